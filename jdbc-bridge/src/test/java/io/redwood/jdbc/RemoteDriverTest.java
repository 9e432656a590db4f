package io.redwood.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The driver against a `redwood serve` (RedwoodServer), and what is particular to remote URLs. */
class RemoteDriverTest extends DriverBehaviour {

    static RedwoodServer server() {
        return RedwoodServer.get();
    }

    @Override
    protected String url() {
        return server().url();
    }

    @Override
    protected Properties credentials() {
        return props("user", server().user(), "password", server().password());
    }

    @Override
    protected String prefix() {
        return "rem";
    }

    /** {@code jdbc:redwood://127.0.0.1:PORT} followed by {@code rest}. */
    static String base(String rest) {
        return "jdbc:redwood://" + server().host() + ":" + server().port() + rest;
    }

    static void assertConnectionClass(SQLException e) {
        assertTrue(e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException,
                () -> "a connection exception: " + e);
    }

    @Test
    void reportsTheServerSession() throws SQLException {
        try (Connection c = connect()) {
            assertEquals("dev", c.getCatalog());
            assertEquals("dev", scalarString(c, "SELECT current_database()"));
            assertEquals(RedwoodServer.ADMIN_USER, scalarString(c, "SELECT current_user"));
            assertEquals(RedwoodServer.ADMIN_USER, c.getMetaData().getUserName());
        }
    }

    @Test
    void databaseDefaultsToDev() throws SQLException {
        try (Connection c = DriverManager.getConnection(base("?sslmode=disable"), credentials())) {
            assertEquals("dev", c.getCatalog());
            assertEquals("dev", scalarString(c, "SELECT current_database()"));
        }
    }

    @Test
    void aWrongPasswordIsAnAuthorizationError() {
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url(), props("user", server().user(), "password", "not-the-password")).close());
        assertTrue("28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState()), e::toString);
        assertTrue(e instanceof SQLInvalidAuthorizationSpecException, e::toString);

        SQLException unknownUser = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url(), props("user", "nobody_here", "password", "x")).close());
        assertTrue(unknownUser.getSQLState().startsWith("28"), unknownUser::toString);
    }

    @Test
    void anUnreachablePortIsAConnectionError() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        long started = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                "jdbc:redwood://127.0.0.1:" + port + "/dev?sslmode=disable", credentials()).close());
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertEquals("08001", e.getSQLState(), e::toString);
        assertConnectionClass(e);
        assertTrue(ms < 15_000, "refused after " + ms + " ms");
    }

    @Test
    void userAndPasswordInTheUrlQuery() throws SQLException {
        String inQuery = url() + "&user=" + server().user() + "&password=" + server().password();
        try (Connection c = DriverManager.getConnection(inQuery, new Properties())) {
            assertEquals(server().user(), scalarString(c, "SELECT current_user"));
        }
        try (Connection c = DriverManager.getConnection(inQuery)) {
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
        // The URL's query overrides the Properties.
        try (Connection c = DriverManager.getConnection(url() + "&password=" + server().password(),
                props("user", server().user(), "password", "wrong"))) {
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url() + "&password=wrong", credentials()).close());
        assertTrue(e.getSQLState().startsWith("28"), e::toString);
    }

    @Test
    void sslModes() throws SQLException {
        // The server offers TLS with a self-signed certificate: prefer (the default) and require encrypt without checking it.
        for (String rest : new String[] {"/dev", "/dev?sslmode=prefer", "/dev?sslmode=require"}) {
            try (Connection c = DriverManager.getConnection(base(rest), credentials())) {
                assertEquals(1, scalarLong(c, "SELECT 1"), rest);
            }
        }
        // ssl=true means verify-full (here with the system's CAs, which did not sign the certificate)...
        Properties ssl = credentials();
        ssl.setProperty("ssl", "true");
        SQLException unverified = assertThrows(SQLException.class, () -> DriverManager.getConnection(base("/dev"), ssl).close());
        assertTrue(unverified.getSQLState().startsWith("08"), unverified::toString);
        assertConnectionClass(unverified);
        Properties system = credentials();
        system.setProperty("sslmode", "verify-full");
        system.setProperty("sslrootcert", "system");
        SQLException systemRoots = assertThrows(SQLException.class, () -> DriverManager.getConnection(base("/dev"), system).close());
        assertTrue(systemRoots.getSQLState().startsWith("08"), systemRoots::toString);
        // ... unless sslmode says otherwise.
        ssl.setProperty("sslmode", "require");
        try (Connection c = DriverManager.getConnection(base("/dev"), ssl)) {
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
        Properties sslDisabledInUrl = credentials();
        sslDisabledInUrl.setProperty("ssl", "true");
        try (Connection c = DriverManager.getConnection(url(), sslDisabledInUrl)) {
            assertEquals(1, scalarLong(c, "SELECT 1"), "sslmode=disable in the URL");
        }
        // A root certificate file that is not there.
        SQLException missing = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                base("/dev?sslmode=verify-ca&sslrootcert=/no/such/ca.pem"), credentials()).close());
        assertTrue(missing.getMessage().contains("/no/such/ca.pem"), missing::toString);
    }
}
