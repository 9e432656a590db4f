package io.redwood.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

/** The driver as DriverManager finds it (META-INF/services), its URL checks and its description of itself. */
class DriverLoadingTest {

    static Driver driver() throws SQLException {
        return DriverManager.getDriver("jdbc:redwood:");
    }

    @Test
    void driverManagerFindsTheDriver() throws SQLException {
        Driver driver = driver();
        assertNotNull(driver);
        assertTrue(driver instanceof RedwoodDriver, driver.getClass().getName());
        assertTrue(DriverManager.getDriver("jdbc:redwood://localhost:5439/dev") instanceof RedwoodDriver);

        boolean listed = false;
        for (Driver d : ServiceLoader.load(Driver.class)) {
            listed |= d instanceof RedwoodDriver;
        }
        assertTrue(listed, "META-INF/services/java.sql.Driver names io.redwood.jdbc.RedwoodDriver");
    }

    @Test
    void acceptsRedwoodUrlsOnly() throws SQLException {
        Driver driver = driver();
        for (String url : new String[] {"jdbc:redwood:", "jdbc:redwood::memory:", "jdbc:redwood:/tmp/some/dir",
                "jdbc:redwood:relative/dir", "jdbc:redwood://host", "jdbc:redwood://host:5439/dev",
                "jdbc:redwood://127.0.0.1:1234/sales?sslmode=require&user=u"}) {
            assertTrue(driver.acceptsURL(url), url);
        }
        for (String url : new String[] {"jdbc:postgresql://localhost/dev", "jdbc:redshift://host:5439/dev", "redwood://host/dev",
                "jdbc:redwoodx:", "jdbc:", ""}) {
            assertFalse(driver.acceptsURL(url), url);
        }
    }

    @Test
    void connectReturnsNullForAForeignUrl() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "u");
        props.setProperty("password", "p");
        assertNull(driver().connect("jdbc:postgresql://localhost:5432/dev", props));
        assertNull(driver().connect("jdbc:redshift://localhost:5439/dev", props));
    }

    @Test
    void propertyInfoListsTheConnectionProperties() throws SQLException {
        DriverPropertyInfo[] info = driver().getPropertyInfo("jdbc:redwood://localhost/dev", new Properties());
        List<String> names = new ArrayList<>();
        for (DriverPropertyInfo p : info) {
            names.add(p.name);
            assertNotNull(p.description, p.name);
        }
        assertTrue(names.containsAll(List.of("user", "password", "ssl", "sslmode", "sslrootcert")), names::toString);
    }

    @Test
    void versionsAndCompliance() throws SQLException {
        Driver driver = driver();
        assertEquals(0, driver.getMajorVersion());
        assertEquals(1, driver.getMinorVersion());
        assertFalse(driver.jdbcCompliant());
    }

    @Test
    void malformedUrlsFailAsConnectionErrors() throws SQLException {
        Driver driver = driver();
        Properties props = new Properties();
        props.setProperty("user", "u");
        props.setProperty("password", "p");
        for (String url : new String[] {"jdbc:redwood://host:notaport/dev", "jdbc:redwood://host:70000/dev",
                "jdbc:redwood://h/dev?sslmode=bogus"}) {
            SQLException e = assertThrows(SQLException.class, () -> driver.connect(url, props), url);
            assertEquals("08001", e.getSQLState(), () -> url + ": " + e);
            assertNotNull(e.getMessage(), url);
            // Through DriverManager too.
            SQLException again = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, props), url);
            assertEquals("08001", again.getSQLState(), () -> url + ": " + again);
        }
    }
}
