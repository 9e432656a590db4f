package io.redwood.jdbc;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * A {@code jdbc:redwood:} URL with its properties, as the client API's target:
 * <ul>
 * <li>{@code jdbc:redwood:} or {@code jdbc:redwood::memory:}: a new in-memory database;
 * <li>{@code jdbc:redwood:/path/to/dir}: an embedded database kept in that directory;
 * <li>{@code jdbc:redwood://host[:port][/database][?property=value&…]}: a Redwood cluster (port
 * 5439 and database {@code dev} by default).
 * </ul>
 * Properties ({@link #PROPERTIES}) come from the {@code Properties} given and the URL's query; the
 * URL's win, as in pgJDBC. Unknown properties are ignored with a SQLWarning, as pgJDBC ignores them.
 */
final class ConnectionUrl {
    static final String PREFIX = "jdbc:redwood:";
    static final String MEMORY = ":memory:";
    static final int DEFAULT_PORT = 5439;
    static final String DEFAULT_DATABASE = "dev";

    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String SSL = "ssl";
    static final String SSLMODE = "sslmode";
    static final String SSLROOTCERT = "sslrootcert";
    static final Set<String> PROPERTIES = Set.of(USER, PASSWORD, SSL, SSLMODE, SSLROOTCERT);
    static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** What the client API opens: {@code :memory:}, a directory or a {@code redwood://} URL. */
    final String target;
    final String user;
    final String password;
    final boolean remote;
    /** Properties given that Redwood does not know. */
    final List<String> ignored;

    private ConnectionUrl(String target, String user, String password, boolean remote, List<String> ignored) {
        this.target = target;
        this.user = user;
        this.password = password;
        this.remote = remote;
        this.ignored = ignored;
    }

    static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    static ConnectionUrl parse(String url, Properties info) throws SQLException {
        String rest = url.substring(PREFIX.length());
        int query = rest.indexOf('?');
        Properties properties = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                properties.setProperty(name, info.getProperty(name));
            }
        }
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), url);
                properties.setProperty(name, eq < 0 ? "" : decode(pair.substring(eq + 1), url));
            }
            rest = rest.substring(0, query);
        }
        List<String> ignored = new ArrayList<>();
        for (String name : properties.stringPropertyNames()) {
            if (!PROPERTIES.contains(name)) {
                ignored.add(name);
            }
        }
        ignored.sort(null);
        String user = properties.getProperty(USER);
        String password = properties.getProperty(PASSWORD);
        if (!rest.startsWith("//")) {
            String target = rest.isEmpty() ? MEMORY : rest;
            return new ConnectionUrl(target, null, null, false, ignored);
        }
        return new ConnectionUrl(remoteTarget(url, rest, properties), user, password, true, ignored);
    }

    /** {@code redwood://host:port/database?sslmode=…&sslrootcert=…} of {@code //host[:port][/database]}. */
    private static String remoteTarget(String url, String rest, Properties properties) throws SQLException {
        URI uri;
        try {
            uri = new URI("redwood:" + rest);
        } catch (URISyntaxException e) {
            throw invalid(url, e.getReason());
        }
        if (uri.getHost() == null || uri.getUserInfo() != null) {
            throw invalid(url, "expected //host[:port][/database], with an IP address or a name for host and a number for port");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw invalid(url, "port " + port + " is out of range (1-65535)");
        }
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (database.contains("/")) {
            throw invalid(url, "the database name cannot contain '/'");
        }
        String sslmode = properties.getProperty(SSLMODE);
        String ssl = properties.getProperty(SSL);
        if (sslmode == null && ssl != null) {
            // pgJDBC: ssl=true verifies the server's certificate and name.
            sslmode = ssl.isEmpty() || Boolean.parseBoolean(ssl) ? "verify-full" : "disable";
        }
        if (sslmode != null && !SSL_MODES.contains(sslmode.toLowerCase(Locale.ROOT))) {
            throw invalid(url, "invalid sslmode \"" + sslmode + "\": use one of disable, allow, prefer, require, verify-ca, verify-full");
        }
        StringBuilder target = new StringBuilder("redwood://");
        String host = uri.getHost();
        target.append(host).append(':').append(port).append('/').append(encode(database.isEmpty() ? DEFAULT_DATABASE : database));
        char separator = '?';
        if (sslmode != null) {
            target.append(separator).append("sslmode=").append(encode(sslmode.toLowerCase(Locale.ROOT)));
            separator = '&';
        }
        String rootCert = properties.getProperty(SSLROOTCERT);
        if (rootCert != null) {
            target.append(separator).append("sslrootcert=").append(encode(rootCert));
        }
        return target.toString();
    }

    private static String decode(String s, String url) throws SQLException {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(url, "bad %-escape in \"" + s + "\"");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SQLException invalid(String url, String why) {
        return new SQLNonTransientConnectionException("Invalid Redwood URL " + url + ": " + why, Errors.CONNECTION_FAILURE);
    }
}
