package dev.redwood.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.io.TempDir;

/**
 * Redwood's own JDBC driver embedded: {@code jdbc:redwood:<directory>}, one database in this JVM that every
 * connection of the class shares (no server involved).
 */
class RedwoodEmbeddedJdbcTest extends DriverContract {

    @TempDir
    static Path dir;

    @Override
    protected String url() {
        return "jdbc:redwood:" + dir.resolve("db");
    }

    @Override
    protected String prefix() {
        return "rwe";
    }

    @Override
    protected String productName() {
        return "Redwood";
    }

    /** Embedded sessions are the database owner's, whoever connects. */
    @Override
    protected String expectedUser() {
        return "redwood";
    }

    /** Embedded sessions have no logins: the owner's session acts as the user. */
    @Override
    protected String runAs(Connection admin, String user, String password, String sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("SET SESSION AUTHORIZATION " + user);
            try {
                s.execute(sql);
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            } finally {
                s.execute("RESET SESSION AUTHORIZATION");
            }
        }
    }

    /** Embedded connections ignore user and password: given anyway, as an application would. */
    @Override
    protected Connection connect(Properties extra) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", Redwood.user());
        props.setProperty("password", "ignored-when-embedded");
        props.putAll(extra);
        return DriverManager.getConnection(url(), props);
    }
}
