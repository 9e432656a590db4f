package io.redwood.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver on an embedded database: {@code jdbc:redwood:<directory>} (a new directory per test, shared by the
 * test's connections), and what is particular to embedded URLs.
 */
class EmbeddedDriverTest extends DriverBehaviour {

    @TempDir
    Path dir;

    private Path database() {
        return dir.resolve("db");
    }

    @Override
    protected String url() {
        return "jdbc:redwood:" + database();
    }

    @Override
    protected Properties credentials() {
        return new Properties();
    }

    @Override
    protected String prefix() {
        return "emb";
    }

    /** The session user of embedded connections: the database's owner. */
    static final String EMBEDDED_USER = "redwood";

    @Test
    void memoryUrlsAreANewPrivateDatabasePerConnection() throws SQLException {
        for (String url : new String[] {"jdbc:redwood:", "jdbc:redwood::memory:"}) {
            try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url)) {
                update(a, "CREATE TABLE private_t (id INT)");
                update(a, "INSERT INTO private_t VALUES (1)");
                assertEquals(1, scalarLong(a, "SELECT count(*) FROM private_t"), url);
                assertFails("42P01", () -> scalarLong(b, "SELECT count(*) FROM private_t"));
                update(b, "CREATE TABLE private_t (id INT)");
                assertEquals(0, scalarLong(b, "SELECT count(*) FROM private_t"), url);
                assertEquals(url, a.getMetaData().getURL());
            }
            try (Connection again = DriverManager.getConnection(url)) {
                assertFails("42P01", () -> scalarLong(again, "SELECT count(*) FROM private_t"));
            }
        }
    }

    @Test
    void connectionsToOneDirectoryShareItsDatabase() throws SQLException {
        try (Connection a = connect(); Connection b = connect()) {
            update(a, "CREATE TABLE shared_t (id INT)");
            update(a, "INSERT INTO shared_t VALUES (1), (2)");
            assertEquals(2, scalarLong(b, "SELECT count(*) FROM shared_t"));
            update(b, "INSERT INTO shared_t VALUES (3)");
            assertEquals(3, scalarLong(a, "SELECT count(*) FROM shared_t"));
        }
    }

    @Test
    void dataPersistsOnceEveryConnectionIsClosed() throws SQLException {
        try (Connection c = connect()) {
            update(c, "CREATE TABLE kept (id INT, name VARCHAR(10))");
            update(c, "INSERT INTO kept VALUES (1, 'one'), (2, 'two')");
            c.setAutoCommit(false);
            update(c, "INSERT INTO kept VALUES (3, 'rolled')");
            c.rollback();
        }
        assertTrue(Files.isDirectory(database()), "the database directory was created");
        // Every connection is closed: the next one opens the directory again, from disk.
        try (Connection c = DriverManager.getConnection(url())) {
            assertEquals(2, scalarLong(c, "SELECT count(*) FROM kept"));
            assertEquals("two", scalarString(c, "SELECT name FROM kept WHERE id = 2"));
            update(c, "INSERT INTO kept VALUES (4, 'four')");
        }
        try (Connection c = DriverManager.getConnection(url())) {
            assertEquals(3, scalarLong(c, "SELECT count(*) FROM kept"));
        }
    }

    @Test
    void aRelativePathNamesTheSameDirectory() throws SQLException {
        Path relative = Paths.get("").toAbsolutePath().relativize(database().toAbsolutePath());
        assertFalse(relative.isAbsolute());
        try (Connection absolute = connect(); Connection viaRelative = DriverManager.getConnection("jdbc:redwood:" + relative)) {
            update(absolute, "CREATE TABLE rel_t (id INT)");
            update(absolute, "INSERT INTO rel_t VALUES (7)");
            assertEquals(7, scalarLong(viaRelative, "SELECT id FROM rel_t"));
        }
        try (Connection viaRelative = DriverManager.getConnection("jdbc:redwood:" + relative)) {
            assertEquals(7, scalarLong(viaRelative, "SELECT id FROM rel_t"), "persisted, reopened by the relative path");
        }
    }

    @Test
    void userAndPasswordAreIgnored() throws SQLException {
        try (Connection c = connect(props("user", "somebody", "password", "wrong"))) {
            assertEquals(EMBEDDED_USER, scalarString(c, "SELECT current_user"));
            assertEquals(EMBEDDED_USER, c.getMetaData().getUserName());
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    void catalogIsTheDatabaseName() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            String name = scalarString(c, "SELECT current_database()");
            assertEquals(name, c.getCatalog());
            assertFalse(s.execute("CREATE TABLE cat_t (id INT)"));
        }
    }
}
