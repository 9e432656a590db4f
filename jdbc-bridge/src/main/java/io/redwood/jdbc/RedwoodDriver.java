package io.redwood.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Redwood's JDBC driver: {@code jdbc:redwood:} (in memory), {@code jdbc:redwood:/path/to/dir}
 * (embedded) or {@code jdbc:redwood://host:5439/dev} (a cluster); see {@link ConnectionUrl}.
 * DriverManager finds it through META-INF/services/java.sql.Driver.
 */
public final class RedwoodDriver implements Driver {
    static {
        try {
            DriverManager.registerDriver(new RedwoodDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        ConnectionUrl parsed = ConnectionUrl.parse(url, info);
        try {
            return RedwoodConnection.open(url, parsed);
        } catch (LinkageError e) {
            throw new SQLNonTransientConnectionException("Redwood's native library cannot be loaded: " + e.getMessage(),
                    Errors.CONNECTION_FAILURE, e);
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return ConnectionUrl.accepts(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        Properties given = info == null ? new Properties() : info;
        DriverPropertyInfo user = property(given, ConnectionUrl.USER, "The user to connect as (remote only)");
        DriverPropertyInfo password = property(given, ConnectionUrl.PASSWORD, "The user's password (remote only)");
        DriverPropertyInfo ssl = property(given, ConnectionUrl.SSL, "true: TLS with sslmode verify-full unless sslmode says otherwise");
        ssl.choices = new String[] {"true", "false"};
        DriverPropertyInfo sslmode = property(given, ConnectionUrl.SSLMODE, "TLS as libpq's sslmode (remote only)");
        sslmode.choices = ConnectionUrl.SSL_MODES.stream().sorted().toArray(String[]::new);
        DriverPropertyInfo rootCert = property(given, ConnectionUrl.SSLROOTCERT,
                "PEM file of the certificate authorities to trust, or \"system\" for the system's");
        return new DriverPropertyInfo[] {user, password, ssl, sslmode, rootCert};
    }

    private static DriverPropertyInfo property(Properties given, String name, String description) {
        DriverPropertyInfo info = new DriverPropertyInfo(name, given.getProperty(name));
        info.description = description;
        return info;
    }

    @Override
    public int getMajorVersion() {
        return DriverVersion.MAJOR;
    }

    @Override
    public int getMinorVersion() {
        return DriverVersion.MINOR;
    }

    /** Not a full JDBC implementation (no updatable or scrollable results, no stored procedures). */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw Errors.notSupported("java.util.logging");
    }
}
