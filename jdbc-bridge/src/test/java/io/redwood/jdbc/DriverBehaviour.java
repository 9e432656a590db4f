package io.redwood.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * What the driver does the same embedded and remote. Subclasses give the URL (EmbeddedDriverTest: a directory,
 * so that two connections share one database; RemoteDriverTest: a `redwood serve`) and add what is theirs.
 */
abstract class DriverBehaviour {

    /** A query that runs for minutes unless cancelled (as python/tests use). */
    static final String SLOW = "SELECT sum(value) FROM generate_series(1, 20000000000)";

    /** Every column type of a table, and a row of them written as SQL literals. */
    static final String ALL_TYPES_DDL = "(sm SMALLINT, i INT, bi BIGINT, r REAL, d DOUBLE PRECISION, n DECIMAL(12,3),"
            + " vc VARCHAR(40), ch CHAR(3), b BOOLEAN, dt DATE, ts TIMESTAMP, tz TIMESTAMPTZ)";
    static final String ALL_TYPES_ROW = "(-2, 42, 10000000000, 1.5, 2.25, 12.5, 'héllo ✓', 'abc', TRUE, '2024-02-29',"
            + " '2024-01-31 23:30:00', '2024-06-01 12:00:00+02')";
    /** The table's columns, a computed text and a TIME (no table column can be TIME). */
    static final String ALL_TYPES_SELECT = "SELECT sm, i, bi, r, d, n, vc, ch, b, dt, ts, tz, 'te' || 'xt' AS tx,"
            + " CAST('13:45:30' AS TIME) AS tm FROM ";
    static final Instant TZ_INSTANT = Instant.parse("2024-06-01T10:00:00Z");

    /** The JDBC URL under test. */
    protected abstract String url();

    /** user and password (remote), or nothing (embedded). */
    protected abstract Properties credentials();

    /** Prefix of the tables this class creates. */
    protected abstract String prefix();

    protected Connection connect() throws SQLException {
        return connect(new Properties());
    }

    protected Connection connect(Properties extra) throws SQLException {
        Properties props = new Properties();
        props.putAll(credentials());
        props.putAll(extra);
        return DriverManager.getConnection(url(), props);
    }

    protected String table(String name) {
        return prefix() + "_" + name;
    }

    // ---------------------------------------------------------------- helpers

    static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    static void recreate(Connection c, String table, String definition) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " " + definition);
        }
    }

    static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    static long scalarLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "no row from " + sql);
            long value = rs.getLong(1);
            assertFalse(rs.next(), "more than one row from " + sql);
            return value;
        }
    }

    static String scalarString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "no row from " + sql);
            String value = rs.getString(1);
            assertFalse(rs.next(), "more than one row from " + sql);
            return value;
        }
    }

    /** The call fails with an exception of {@code type} and SQLSTATE {@code state}. */
    static <T extends SQLException> T assertFails(Class<T> type, String state, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(state, e.getSQLState(), () -> "SQLSTATE of " + e);
        return e;
    }

    static SQLException assertFails(String state, Executable call) {
        return assertFails(SQLException.class, state, call);
    }

    /** The call fails with a SQLException whose SQLSTATE is of class {@code stateClass} (its first two characters). */
    static SQLException assertFailsWithClass(String stateClass, Executable call) {
        SQLException e = assertThrows(SQLException.class, call);
        assertNotNull(e.getSQLState(), () -> "no SQLSTATE: " + e);
        assertTrue(e.getSQLState().startsWith(stateClass), () -> "SQLSTATE class " + stateClass + " expected: " + e.getSQLState() + " " + e);
        return e;
    }

    /** Same class and equal. */
    static void assertValue(Object expected, Object actual, String what) {
        assertNotNull(actual, what);
        assertEquals(expected.getClass(), actual.getClass(), what + ": " + actual);
        assertEquals(expected, actual, what);
    }

    static List<String> warnings(SQLWarning first) {
        List<String> messages = new ArrayList<>();
        for (SQLWarning w = first; w != null; w = w.getNextWarning()) {
            messages.add(w.getMessage());
        }
        return messages;
    }

    /** The first {@code labels.length} columns of a metadata result set, in order (JDBC fixes them). */
    static void assertLeadingColumns(ResultSet rs, String... labels) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        assertTrue(md.getColumnCount() >= labels.length, "columns: " + md.getColumnCount());
        List<String> got = new ArrayList<>();
        for (int i = 1; i <= labels.length; i++) {
            got.add(md.getColumnLabel(i).toUpperCase(java.util.Locale.ROOT));
        }
        assertEquals(Arrays.asList(labels), got);
    }

    static void insertAllTypesRow(Connection c, String t) throws SQLException {
        recreate(c, t, ALL_TYPES_DDL);
        update(c, "INSERT INTO " + t + " VALUES " + ALL_TYPES_ROW);
    }

    // ================================================================ Connection

    @Test
    void autoCommitIsOnByDefault() throws SQLException {
        String t = table("autocommit");
        try (Connection c = connect(); Connection other = connect()) {
            assertTrue(c.getAutoCommit());
            recreate(c, t, "(id INT)");
            try (Statement s = c.createStatement()) {
                assertEquals(1, s.executeUpdate("INSERT INTO " + t + " VALUES (1)"));
            }
            assertEquals(1, scalarLong(other, "SELECT count(*) FROM " + t));
        }
    }

    @Test
    void manualCommitAndRollback() throws SQLException {
        String t = table("manual");
        try (Connection c = connect(); Connection other = connect()) {
            recreate(c, t, "(id INT)");
            c.setAutoCommit(false);
            assertFalse(c.getAutoCommit());
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + t + " VALUES (1)");
                assertEquals(1, scalarLong(c, "SELECT count(*) FROM " + t));
                assertEquals(0, scalarLong(other, "SELECT count(*) FROM " + t), "uncommitted rows are not seen by others");
                c.rollback();
                assertEquals(0, scalarLong(c, "SELECT count(*) FROM " + t));

                s.executeUpdate("INSERT INTO " + t + " VALUES (2)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?)")) {
                    ps.setInt(1, 3);
                    ps.executeUpdate();
                }
                assertEquals(0, scalarLong(other, "SELECT count(*) FROM " + t));
                c.commit();
            }
            assertEquals(2, scalarLong(other, "SELECT count(*) FROM " + t));
            assertFalse(c.getAutoCommit(), "commit leaves autocommit off");

            // An error aborts the transaction (25P02) until rollback.
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + t + " VALUES (4)");
                assertFailsWithClass("22", () -> {
                    try (ResultSet rs = s.executeQuery("SELECT 1 / 0")) {
                        rs.next();
                    }
                });
                assertFails("25P02", () -> s.executeQuery("SELECT 1"));
            }
            c.rollback();
            assertEquals(2, scalarLong(c, "SELECT count(*) FROM " + t));
            c.commit();
        }
    }

    @Test
    void setAutoCommitTrueCommitsTheTransaction() throws SQLException {
        String t = table("autocommit_on");
        try (Connection c = connect(); Connection other = connect()) {
            recreate(c, t, "(id INT)");
            c.setAutoCommit(false);
            update(c, "INSERT INTO " + t + " VALUES (1)");
            assertEquals(0, scalarLong(other, "SELECT count(*) FROM " + t));
            c.setAutoCommit(true);
            assertTrue(c.getAutoCommit());
            assertEquals(1, scalarLong(other, "SELECT count(*) FROM " + t));
            c.setAutoCommit(true); // already on: nothing happens
            update(c, "INSERT INTO " + t + " VALUES (2)");
            assertEquals(2, scalarLong(other, "SELECT count(*) FROM " + t));
        }
    }

    @Test
    void commitAndRollbackFailInAutoCommitMode() throws SQLException {
        try (Connection c = connect()) {
            assertFails("25000", c::commit);
            assertFails("25000", c::rollback);
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    void transactionIsolationIsSerializable() throws SQLException {
        try (Connection c = connect()) {
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
            c.clearWarnings();
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertNull(c.getWarnings());
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
            assertNotNull(c.getWarnings(), "READ COMMITTED is accepted with a warning");
            c.clearWarnings();
            assertNull(c.getWarnings());
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    void resultSetsStayOpenOverCommit() throws SQLException {
        try (Connection c = connect()) {
            assertEquals(ResultSet.HOLD_CURSORS_OVER_COMMIT, c.getHoldability());
            assertEquals(c.getHoldability(), c.getMetaData().getResultSetHoldability());
            assertTrue(c.getMetaData().supportsResultSetHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT));
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(2);
                try (ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 10)")) {
                    assertEquals(ResultSet.HOLD_CURSORS_OVER_COMMIT, rs.getHoldability());
                    assertTrue(rs.next());
                    c.commit();
                    int rows = 1;
                    while (rs.next()) {
                        rows++;
                    }
                    assertEquals(10, rows);
                }
            }
            c.clearWarnings();
            c.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
            assertNotNull(c.getWarnings(), "CLOSE_CURSORS_AT_COMMIT is refused with a warning");
            assertEquals(ResultSet.HOLD_CURSORS_OVER_COMMIT, c.getHoldability());
            assertFails("22023", () -> c.setHoldability(42));
        }
    }

    @Test
    void serializationFailureIsATransactionRollbackException() throws SQLException {
        String t = table("conflict");
        try (Connection a = connect(); Connection b = connect()) {
            recreate(a, t, "(id INT)");
            update(a, "INSERT INTO " + t + " VALUES (1), (2)");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            assertEquals(2, scalarLong(a, "SELECT count(*) FROM " + t));
            assertEquals(2, scalarLong(b, "SELECT count(*) FROM " + t));
            update(a, "DELETE FROM " + t + " WHERE id = 1");
            update(b, "DELETE FROM " + t + " WHERE id = 2");
            a.commit();
            SQLTransactionRollbackException e = assertThrows(SQLTransactionRollbackException.class, () -> {
                b.commit();
            });
            assertEquals("40001", e.getSQLState());
            b.rollback();
            b.setAutoCommit(true);
            assertEquals(1, scalarLong(b, "SELECT count(*) FROM " + t));
        }
    }

    @Test
    void readOnlyConnectionsRejectWrites() throws SQLException {
        String t = table("readonly");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT)");
            update(c, "INSERT INTO " + t + " VALUES (1)");
            assertFalse(c.isReadOnly());
            c.setReadOnly(true);
            assertTrue(c.isReadOnly());
            try (Statement s = c.createStatement()) {
                assertEquals(1, scalarLong(c, "SELECT count(*) FROM " + t), "reads work");
                assertFails("25006", () -> s.executeUpdate("INSERT INTO " + t + " VALUES (2)"));
                assertFails("25006", () -> s.execute("DELETE FROM " + t));
                assertFails("25006", () -> s.execute("CREATE TABLE " + table("readonly_new") + " (id INT)"));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?)")) {
                    ps.setInt(1, 3);
                    assertFails("25006", ps::executeUpdate);
                }

                // In a transaction too.
                c.setAutoCommit(false);
                assertEquals(1, scalarLong(c, "SELECT count(*) FROM " + t));
                assertFails("25006", () -> s.executeUpdate("INSERT INTO " + t + " VALUES (4)"));
                c.rollback();
                c.setAutoCommit(true);

                c.setReadOnly(false);
                assertFalse(c.isReadOnly());
                assertEquals(1, s.executeUpdate("INSERT INTO " + t + " VALUES (5)"));
            }
            assertEquals(2, scalarLong(c, "SELECT count(*) FROM " + t));
        }
    }

    @Test
    void closedConnection() throws SQLException {
        Connection c = connect();
        Statement s = c.createStatement();
        assertTrue(c.isValid(5));
        assertFalse(c.isClosed());
        c.close();
        assertTrue(c.isClosed());
        assertFalse(c.isValid(5));
        c.close(); // twice is fine

        List<Executable> uses = List.of(
                c::createStatement,
                () -> c.prepareStatement("SELECT 1"),
                () -> c.setAutoCommit(false),
                c::getAutoCommit,
                c::commit,
                c::rollback,
                c::getMetaData,
                () -> c.setReadOnly(true),
                c::isReadOnly,
                c::getTransactionIsolation,
                c::getCatalog,
                c::getSchema,
                () -> c.nativeSQL("SELECT 1"),
                c::getWarnings);
        for (int i = 0; i < uses.size(); i++) {
            int index = i;
            SQLException e = assertThrows(SQLException.class, uses.get(i), () -> "use #" + index + " after close");
            assertEquals("08003", e.getSQLState(), () -> "use #" + index + " after close: " + e);
        }

        // Its statements are closed with it.
        assertTrue(s.isClosed());
        SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1"));
        assertTrue("55000".equals(e.getSQLState()) || "08003".equals(e.getSQLState()), e::toString);
    }

    @Test
    void catalogSchemaAndNativeSql() throws SQLException {
        try (Connection c = connect()) {
            assertEquals(scalarString(c, "SELECT current_database()"), c.getCatalog());
            assertEquals("public", c.getSchema());
            String sql = "SELECT a, ? FROM t WHERE b = '?' -- ?";
            assertEquals(sql, c.nativeSQL(sql));
        }
    }

    @Test
    void scrollableOrUpdatableStatementsAreDowngradedWithAWarning() throws SQLException {
        try (Connection c = connect()) {
            c.clearWarnings();
            try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                assertNull(c.getWarnings());
                assertEquals(ResultSet.TYPE_FORWARD_ONLY, s.getResultSetType());
            }
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE)) {
                assertNotNull(c.getWarnings(), "a warning on the connection");
                assertEquals(ResultSet.TYPE_FORWARD_ONLY, s.getResultSetType());
                assertEquals(ResultSet.CONCUR_READ_ONLY, s.getResultSetConcurrency());
                try (ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertEquals(ResultSet.TYPE_FORWARD_ONLY, rs.getType());
                    assertEquals(ResultSet.CONCUR_READ_ONLY, rs.getConcurrency());
                    assertTrue(rs.next());
                    assertEquals(1, rs.getInt(1));
                }
            }
            c.clearWarnings();
            try (PreparedStatement ps = c.prepareStatement("SELECT 1", ResultSet.TYPE_SCROLL_SENSITIVE, ResultSet.CONCUR_UPDATABLE)) {
                assertNotNull(c.getWarnings(), "a warning on the connection");
                assertEquals(ResultSet.TYPE_FORWARD_ONLY, ps.getResultSetType());
                assertEquals(ResultSet.CONCUR_READ_ONLY, ps.getResultSetConcurrency());
            }
        }
    }

    @Test
    void savepointsRollBackPartOfATransaction() throws SQLException {
        String t = table("savepoints");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT)");
            assertFails("25P01", c::setSavepoint);
            c.setAutoCommit(false);
            update(c, "INSERT INTO " + t + " VALUES (1)");
            Savepoint unnamed = c.setSavepoint();
            update(c, "INSERT INTO " + t + " VALUES (2)");
            Savepoint named = c.setSavepoint("after two");
            assertEquals("after two", named.getSavepointName());
            assertFails("55000", named::getSavepointId);
            assertFails("55000", unnamed::getSavepointName);
            update(c, "INSERT INTO " + t + " VALUES (3)");
            c.rollback(named);
            assertEquals(3, scalarLong(c, "SELECT sum(id) FROM " + t));
            c.rollback(unnamed);
            assertEquals(1, scalarLong(c, "SELECT sum(id) FROM " + t));
            // An error leaves the transaction usable once rolled back to a savepoint.
            Savepoint beforeError = c.setSavepoint();
            assertFails("22012", () -> scalarLong(c, "SELECT 1 / 0"));
            c.rollback(beforeError);
            c.releaseSavepoint(beforeError);
            c.commit();
            assertFails("25P01", () -> c.rollback(unnamed));
            c.setAutoCommit(true);
            assertEquals(1, scalarLong(c, "SELECT count(*) FROM " + t));
        }
    }

    @Test
    void metaDataNamesProductDriverAndUrl() throws SQLException {
        try (Connection c = connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals("Redwood", md.getDatabaseProductName());
            assertEquals("8.0.2", md.getDatabaseProductVersion());
            assertEquals(8, md.getDatabaseMajorVersion());
            assertEquals(0, md.getDatabaseMinorVersion());
            assertEquals(url(), md.getURL());
            assertSame(c, md.getConnection());
            assertEquals(0, md.getDriverMajorVersion());
            assertEquals(1, md.getDriverMinorVersion());
            assertNotNull(md.getDriverName());
            assertEquals(scalarString(c, "SELECT current_user"), md.getUserName());
            assertEquals("\"", md.getIdentifierQuoteString());
        }
    }

    @Test
    void unknownPropertiesAreIgnoredWithAWarning() throws SQLException {
        try (Connection c = connect(props("frobnicate", "yes"))) {
            List<String> messages = warnings(c.getWarnings());
            assertFalse(messages.isEmpty(), "a warning for the unknown property");
            assertTrue(messages.stream().anyMatch(m -> m != null && m.contains("frobnicate")), messages::toString);
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
        try (Connection c = connect()) {
            assertNull(c.getWarnings(), "no warning without unknown properties");
        }
    }

    // ================================================================ Statement

    @Test
    void executeReportsResultSetsAndUpdateCounts() throws SQLException {
        String t = table("counts");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertSame(c, s.getConnection());
            s.execute("DROP TABLE IF EXISTS " + t);
            assertFalse(s.execute("CREATE TABLE " + t + " (id INT, name VARCHAR(10))"));
            assertEquals(0, s.getUpdateCount(), "DDL counts 0");
            assertNull(s.getResultSet());
            assertFalse(s.execute("INSERT INTO " + t + " VALUES (1, 'a'), (2, 'b'), (3, 'c')"));
            assertEquals(3, s.getUpdateCount());
            assertFalse(s.getMoreResults());
            assertEquals(-1, s.getUpdateCount());

            assertTrue(s.execute("SELECT id FROM " + t + " ORDER BY id"));
            assertEquals(-1, s.getUpdateCount());
            try (ResultSet rs = s.getResultSet()) {
                assertNotNull(rs);
                assertSame(s, rs.getStatement());
                List<Integer> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
                assertEquals(List.of(1, 2, 3), ids);
            }
            assertFalse(s.getMoreResults());
            assertEquals(-1, s.getUpdateCount());

            assertEquals(2, s.executeUpdate("UPDATE " + t + " SET name = 'z' WHERE id >= 2"));
            assertEquals(2, s.getUpdateCount());
            assertEquals(1, s.executeUpdate("DELETE FROM " + t + " WHERE id = 1"));
            assertEquals(0, s.executeUpdate("DELETE FROM " + t + " WHERE id = 1"));
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
                assertEquals(-1, s.getUpdateCount());
                assertTrue(rs.next());
                assertEquals(2, rs.getLong(1));
            }
            assertEquals(0, s.executeUpdate("DROP TABLE " + t));
        }
    }

    @Test
    void executeQueryWithoutRowsAndExecuteUpdateOfAQueryFail() throws SQLException {
        String t = table("wrong_execute");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            recreate(c, t, "(id INT)");
            assertFails("02000", () -> s.executeQuery("DELETE FROM " + t + " WHERE id < 0"));
            assertFails("0100E", () -> s.executeUpdate("SELECT id FROM " + t));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE id = ?")) {
                ps.setInt(1, 1);
                assertFails("02000", ps::executeQuery);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + t + " WHERE id = ?")) {
                ps.setInt(1, 1);
                assertFails("0100E", ps::executeUpdate);
            }
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    void severalStatementsInOneStringRunInOrder() throws SQLException {
        String t = table("several");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            recreate(c, t, "(id INT)");
            assertTrue(s.execute("INSERT INTO " + t + " VALUES (1), (2); INSERT INTO " + t + " VALUES (3); SELECT sum(id) FROM " + t));
            try (ResultSet rs = s.getResultSet()) {
                assertTrue(rs.next());
                assertEquals(6, rs.getLong(1));
                assertFalse(rs.next());
            }
            assertEquals(2, s.executeUpdate("UPDATE " + t + " SET id = 10 WHERE id = 3; DELETE FROM " + t + " WHERE id IN (1, 2)"),
                    "the last statement's count");
            try (ResultSet rs = s.executeQuery("SELECT id FROM " + t + " ORDER BY id")) {
                List<Integer> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
                assertEquals(List.of(10), ids);
            }
        }
    }

    @Test
    void statementBatches() throws SQLException {
        String t = table("batch");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            recreate(c, t, "(id INT, v VARCHAR(10))");
            s.addBatch("INSERT INTO " + t + " VALUES (1, 'a'), (2, 'b')");
            s.addBatch("INSERT INTO " + t + " VALUES (3, 'c')");
            s.addBatch("UPDATE " + t + " SET v = 'x' WHERE id <= 2");
            s.addBatch("DELETE FROM " + t + " WHERE id = 3");
            assertArrayEquals(new int[] {2, 1, 2, 1}, s.executeBatch());
            assertArrayEquals(new int[0], s.executeBatch(), "executeBatch empties the batch");
            s.addBatch("DELETE FROM " + t);
            s.clearBatch();
            assertArrayEquals(new int[0], s.executeBatch());
            assertEquals(2, scalarLong(c, "SELECT count(*) FROM " + t + " WHERE v = 'x'"));
        }
    }

    @Test
    void aFailingBatchReportsTheCountsBeforeIt() throws SQLException {
        String t = table("batch_fail");
        String missing = table("batch_missing");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            recreate(c, t, "(id INT)");
            s.execute("DROP TABLE IF EXISTS " + missing);
            s.addBatch("INSERT INTO " + t + " VALUES (1)");
            s.addBatch("INSERT INTO " + t + " VALUES (2), (3)");
            s.addBatch("INSERT INTO " + missing + " VALUES (4)");
            s.addBatch("INSERT INTO " + t + " VALUES (5)");
            BatchUpdateException e = assertThrows(BatchUpdateException.class, s::executeBatch);
            assertArrayEquals(new int[] {1, 2}, e.getUpdateCounts());
            assertEquals("42P01", e.getSQLState());
            assertEquals(1, scalarLong(c, "SELECT 1"), "the connection works after a failed batch");
        }
    }

    @Test
    void fetchSizeStreamsEveryRowInOrder() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setFetchSize(1000);
            assertEquals(1000, s.getFetchSize());
            try (ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 100000) ORDER BY value")) {
                assertEquals(1000, rs.getFetchSize());
                long expected = 0;
                while (rs.next()) {
                    expected++;
                    if (rs.getLong(1) != expected) {
                        fail("row " + expected + " is " + rs.getLong(1));
                    }
                }
                assertEquals(100000, expected);
                assertFalse(rs.next());
            }

            // A prepared statement in a transaction, with another query run while its rows are read.
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT value, value * 2 AS twice FROM generate_series(1, 50000) WHERE value <= ? ORDER BY value")) {
                ps.setFetchSize(7);
                ps.setInt(1, 30000);
                try (ResultSet rs = ps.executeQuery()) {
                    assertEquals(7, rs.getFetchSize());
                    long n = 0;
                    while (rs.next()) {
                        n++;
                        if (rs.getLong(1) != n || rs.getLong(2) != 2 * n) {
                            fail("row " + n + " is " + rs.getLong(1) + ", " + rs.getLong(2));
                        }
                        if (n == 100) {
                            assertEquals(5, scalarLong(c, "SELECT 2 + 3"));
                        }
                    }
                    assertEquals(30000, n);
                }
            }
            c.commit();
        }
    }

    @Test
    void maxRowsLimitsTheRows() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setMaxRows(10);
            assertEquals(10, s.getMaxRows());
            try (ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 1000) ORDER BY value")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                    assertEquals(n, rs.getInt(1));
                }
                assertEquals(10, n);
            }
            s.setMaxRows(0);
            try (ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 1000)")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertEquals(1000, n);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM generate_series(1, 1000) WHERE value > ?")) {
                ps.setMaxRows(3);
                ps.setInt(1, 500);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                    }
                    assertEquals(3, n);
                }
            }
        }
    }

    @Test
    @Timeout(300)
    void cancelFromAnotherThreadStopsTheQuery() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
            AtomicReference<Throwable> cancelFailure = new AtomicReference<>();
            long started = System.nanoTime();
            SQLException e;
            try {
                // After 300 ms; again every 2 s in case the first came before the query had started.
                canceller.scheduleWithFixedDelay(() -> {
                    try {
                        s.cancel();
                    } catch (Throwable t) {
                        cancelFailure.compareAndSet(null, t);
                    }
                }, 300, 2000, TimeUnit.MILLISECONDS);
                e = assertThrows(SQLException.class, () -> {
                    try (ResultSet rs = s.executeQuery(SLOW)) {
                        rs.next();
                    }
                });
            } finally {
                canceller.shutdownNow();
                assertTrue(canceller.awaitTermination(30, TimeUnit.SECONDS));
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertNull(cancelFailure.get(), "cancel() failed");
            assertEquals("57014", e.getSQLState(), e::toString);
            assertFalse(e instanceof SQLTimeoutException, "a cancel is not a timeout: " + e);
            assertTrue(ms < 60_000, "cancelled after " + ms + " ms");

            // A cancel request still on its way must not hit the next query.
            Thread.sleep(300);
            try (ResultSet rs = s.executeQuery("SELECT 42")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    @Timeout(300)
    void queryTimeoutRaisesSqlTimeoutException() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            assertEquals(1, s.getQueryTimeout());
            long started = System.nanoTime();
            SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> {
                try (ResultSet rs = s.executeQuery(SLOW)) {
                    rs.next();
                }
            });
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertEquals("57014", e.getSQLState());
            assertTrue(ms >= 900, "timed out after " + ms + " ms");
            assertTrue(ms < 60_000, "timed out after " + ms + " ms");

            // A query that ends in time is not cancelled later by its timer.
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
            Thread.sleep(1500);
            try (ResultSet rs = s.executeQuery("SELECT 2")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
            s.setQueryTimeout(0);
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    void closeOnCompletionClosesTheStatementWithItsResultSet() throws SQLException {
        try (Connection c = connect()) {
            Statement s = c.createStatement();
            assertFalse(s.isCloseOnCompletion());
            s.closeOnCompletion();
            assertTrue(s.isCloseOnCompletion());
            ResultSet rs = s.executeQuery("SELECT 1");
            assertFalse(s.isClosed());
            assertTrue(rs.next());
            rs.close();
            assertTrue(s.isClosed());
        }
    }

    @Test
    void closingOrReexecutingAStatementClosesItsResultSet() throws SQLException {
        try (Connection c = connect()) {
            Statement s = c.createStatement();
            ResultSet first = s.executeQuery("SELECT 1");
            ResultSet second = s.executeQuery("SELECT 2");
            assertTrue(first.isClosed());
            assertFalse(second.isClosed());
            s.close();
            assertTrue(second.isClosed());
        }
    }

    @Test
    void closedStatement() throws SQLException {
        try (Connection c = connect()) {
            Statement s = c.createStatement();
            s.close();
            assertTrue(s.isClosed());
            s.close(); // twice is fine
            List<Executable> uses = List.of(
                    () -> s.executeQuery("SELECT 1"),
                    () -> s.executeUpdate("SELECT 1"),
                    () -> s.execute("SELECT 1"),
                    () -> s.addBatch("SELECT 1"),
                    s::executeBatch,
                    () -> s.setFetchSize(10),
                    () -> s.setMaxRows(10),
                    s::getResultSet,
                    s::getUpdateCount);
            for (int i = 0; i < uses.size(); i++) {
                int index = i;
                SQLException e = assertThrows(SQLException.class, uses.get(i), () -> "use #" + index + " after close");
                assertEquals("55000", e.getSQLState(), () -> "use #" + index + " after close: " + e);
            }

            PreparedStatement ps = c.prepareStatement("SELECT ?");
            ps.close();
            assertTrue(ps.isClosed());
            assertFails("55000", () -> ps.setInt(1, 1));
            assertFails("55000", ps::executeQuery);
            assertEquals(1, scalarLong(c, "SELECT 1"), "the connection is still open");
        }
    }

    @Test
    void generatedKeysAreNotSupported() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThrows(SQLFeatureNotSupportedException.class, s::getGeneratedKeys);
        }
    }

    // ================================================================ PreparedStatement

    @Test
    void markersInLiteralsQuotedNamesAndCommentsAreNotParameters() throws SQLException {
        String sql = "SELECT ? AS a, '?' AS \"q?\", 'it''s ?' AS lit /* ? */, ? AS b -- ?\n";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            assertEquals(2, ps.getParameterMetaData().getParameterCount());
            ps.setInt(1, 1);
            ps.setString(2, "two");
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt("a"));
                assertEquals("?", rs.getString("q?"));
                assertEquals("it's ?", rs.getString("lit"));
                assertEquals("two", rs.getString("b"));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void typedSettersRoundTrip() throws SQLException {
        String t = table("setters");
        try (Connection c = connect()) {
            recreate(c, t, "(k INT, " + ALL_TYPES_DDL.substring(1));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setShort(2, (short) -2);
                ps.setInt(3, Integer.MIN_VALUE);
                ps.setLong(4, Long.MAX_VALUE);
                ps.setFloat(5, 1.5f);
                ps.setDouble(6, -2.25);
                ps.setBigDecimal(7, new BigDecimal("-123456789.123"));
                ps.setString(8, "héllo ✓ it's");
                ps.setString(9, "abc");
                ps.setBoolean(10, true);
                ps.setDate(11, Date.valueOf("2024-02-29"));
                ps.setTimestamp(12, Timestamp.valueOf("2024-01-31 23:30:00.123456"));
                ps.setObject(13, OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2)));
                assertEquals(1, ps.executeUpdate());

                ps.setInt(1, 2);
                ps.setByte(2, (byte) 7);
                ps.setNull(3, Types.INTEGER);
                ps.setNull(4, Types.BIGINT);
                ps.setNull(5, Types.REAL);
                ps.setNull(6, Types.DOUBLE);
                ps.setNull(7, Types.DECIMAL);
                ps.setNull(8, Types.VARCHAR);
                ps.setNull(9, Types.CHAR);
                ps.setNull(10, Types.BOOLEAN);
                ps.setNull(11, Types.DATE);
                ps.setNull(12, Types.TIMESTAMP);
                ps.setNull(13, Types.TIMESTAMP_WITH_TIMEZONE);
                assertEquals(1, ps.executeUpdate());
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT k, sm, i, bi, r, d, n, vc, ch, b, dt, ts, tz FROM " + t + " ORDER BY k")) {
                assertTrue(rs.next());
                assertEquals(-2, rs.getShort("sm"));
                assertEquals(Integer.MIN_VALUE, rs.getInt("i"));
                assertEquals(Long.MAX_VALUE, rs.getLong("bi"));
                assertEquals(1.5f, rs.getFloat("r"));
                assertEquals(-2.25, rs.getDouble("d"));
                assertEquals(new BigDecimal("-123456789.123"), rs.getBigDecimal("n"));
                assertEquals("héllo ✓ it's", rs.getString("vc"));
                assertEquals("abc", rs.getString("ch"));
                assertTrue(rs.getBoolean("b"));
                assertEquals(Date.valueOf("2024-02-29"), rs.getDate("dt"));
                assertEquals(Timestamp.valueOf("2024-01-31 23:30:00.123456"), rs.getTimestamp("ts"));
                assertEquals(TZ_INSTANT, rs.getTimestamp("tz").toInstant());

                assertTrue(rs.next());
                assertEquals(7, rs.getByte("sm"));
                for (int col = 3; col <= 13; col++) {
                    assertNull(rs.getObject(col), "column " + col);
                    assertTrue(rs.wasNull(), "column " + col);
                }
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void setObjectTakesEveryJavaType() throws SQLException {
        String t = table("set_object");
        try (Connection c = connect()) {
            recreate(c, t, "(k INT, " + ALL_TYPES_DDL.substring(1));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, 1);
                ps.setObject(2, (short) 5);
                ps.setObject(3, 6);
                ps.setObject(4, 7L);
                ps.setObject(5, 2.5f);
                ps.setObject(6, 3.25d);
                ps.setObject(7, new BigDecimal("0.001"));
                ps.setObject(8, 'x');
                ps.setObject(9, "xyz");
                ps.setObject(10, Boolean.FALSE);
                ps.setObject(11, LocalDate.of(1999, 12, 31));
                ps.setObject(12, LocalDateTime.of(2000, 1, 1, 23, 59, 59, 500_000_000));
                ps.setObject(13, OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2)));
                assertEquals(1, ps.executeUpdate());

                ps.setObject(1, (byte) 2);
                ps.setObject(2, (byte) -1);
                ps.setObject(3, "42", Types.INTEGER);
                ps.setObject(4, BigInteger.valueOf(9_000_000_000L));
                ps.setObject(5, null, Types.REAL);
                ps.setObject(6, "1.5", Types.DOUBLE);
                ps.setObject(7, BigInteger.valueOf(123456));
                ps.setObject(8, 7, Types.VARCHAR);
                ps.setObject(9, "pqr");
                ps.setObject(10, Boolean.TRUE, Types.BOOLEAN);
                ps.setObject(11, Date.valueOf("2024-02-29"));
                ps.setObject(12, Timestamp.valueOf("2024-01-31 23:30:00"));
                ps.setObject(13, null, Types.TIMESTAMP_WITH_TIMEZONE);
                assertEquals(1, ps.executeUpdate());
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT k, sm, i, bi, r, d, n, vc, ch, b, dt, ts, tz FROM " + t + " ORDER BY k")) {
                assertTrue(rs.next());
                assertEquals(5, rs.getShort("sm"));
                assertEquals(6, rs.getInt("i"));
                assertEquals(7L, rs.getLong("bi"));
                assertEquals(2.5f, rs.getFloat("r"));
                assertEquals(3.25, rs.getDouble("d"));
                assertEquals(new BigDecimal("0.001"), rs.getBigDecimal("n"));
                assertEquals("x", rs.getString("vc"));
                assertEquals("xyz", rs.getString("ch"));
                assertFalse(rs.getBoolean("b"));
                assertFalse(rs.wasNull());
                assertEquals(LocalDate.of(1999, 12, 31), rs.getObject("dt", LocalDate.class));
                assertEquals(LocalDateTime.of(2000, 1, 1, 23, 59, 59, 500_000_000), rs.getObject("ts", LocalDateTime.class));
                assertEquals(TZ_INSTANT, rs.getObject("tz", OffsetDateTime.class).toInstant());

                assertTrue(rs.next());
                assertEquals(2, rs.getInt("k"));
                assertEquals(-1, rs.getShort("sm"));
                assertEquals(42, rs.getInt("i"));
                assertEquals(9_000_000_000L, rs.getLong("bi"));
                assertNull(rs.getObject("r"));
                assertEquals(1.5, rs.getDouble("d"));
                assertEquals(new BigDecimal("123456.000"), rs.getBigDecimal("n"));
                assertEquals("7", rs.getString("vc"));
                assertEquals("pqr", rs.getString("ch"));
                assertTrue(rs.getBoolean("b"));
                assertEquals(Date.valueOf("2024-02-29"), rs.getDate("dt"));
                assertEquals(Timestamp.valueOf("2024-01-31 23:30:00"), rs.getTimestamp("ts"));
                assertNull(rs.getObject("tz"));
                assertFalse(rs.next());
            }

            // Times (no table column is TIME): java.sql.Time, LocalTime, setTime.
            try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS TIME) AS a, CAST(? AS TIME) AS b, CAST(? AS TIME) AS c, ? AS d")) {
                ps.setObject(1, Time.valueOf("13:45:30"));
                ps.setObject(2, LocalTime.of(1, 2, 3));
                ps.setTime(3, Time.valueOf("23:59:59"));
                ps.setObject(4, Character.valueOf('z'));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(LocalTime.of(13, 45, 30), rs.getObject("a", LocalTime.class));
                    assertEquals(LocalTime.of(1, 2, 3), rs.getObject("b", LocalTime.class));
                    assertEquals(Time.valueOf("23:59:59"), rs.getTime("c"));
                    assertEquals("z", rs.getString("d"));
                }
            }
        }
    }

    @Test
    void datesAndTimestampsKeepTheirWallClockAwayFromUtc() throws SQLException {
        TimeZone zone = TimeZone.getDefault();
        Assumptions.assumeTrue(zone.getOffset(System.currentTimeMillis()) != 0,
                "the JVM must run away from UTC (surefire runs America/New_York): " + zone.getID());
        String t = table("wall_clock");
        try (Connection c = connect()) {
            recreate(c, t, "(k INT, dt DATE, ts TIMESTAMP)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setDate(2, Date.valueOf("2024-02-29"));
                ps.setTimestamp(3, Timestamp.valueOf("2024-01-31 23:30:00"));
                ps.executeUpdate();
                ps.setInt(1, 2);
                ps.setObject(2, LocalDate.of(2024, 2, 29));
                ps.setObject(3, LocalDateTime.of(2024, 1, 31, 23, 30));
                ps.executeUpdate();
            }
            // Stored as written: compared with literals on the server.
            assertEquals(2, scalarLong(c, "SELECT count(*) FROM " + t
                    + " WHERE dt = DATE '2024-02-29' AND ts = TIMESTAMP '2024-01-31 23:30:00'"));
            // Literals read back as their wall clock.
            update(c, "INSERT INTO " + t + " VALUES (3, '2024-03-10', '2024-03-10 01:30:00')");
            try (PreparedStatement ps = c.prepareStatement("SELECT dt, ts FROM " + t + " WHERE k = ?")) {
                ps.setInt(1, 3);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("2024-03-10", rs.getDate(1).toString());
                    assertEquals(LocalDate.of(2024, 3, 10), rs.getDate(1).toLocalDate());
                    assertEquals("2024-03-10 01:30:00.0", rs.getTimestamp(2).toString());
                    assertEquals(LocalDateTime.of(2024, 3, 10, 1, 30), rs.getTimestamp(2).toLocalDateTime());
                }
            }
            // Parameters in WHERE.
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + t + " WHERE dt = ? AND ts = ?")) {
                ps.setDate(1, Date.valueOf("2024-02-29"));
                ps.setTimestamp(2, Timestamp.valueOf("2024-01-31 23:30:00"));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(2, rs.getLong(1));
                }
            }
        }
    }

    @Test
    void unsupportedObjectsFail() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT ?")) {
            assertFails("07006", () -> {
                ps.setObject(1, new Object());
                ps.executeQuery().close();
            });
            ps.setInt(1, 5);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(5, rs.getInt(1));
            }
        }
    }

    @Test
    void parameterIndexOutOfRangeFails() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT ?, ?")) {
            assertEquals(2, ps.getParameterMetaData().getParameterCount());
            assertFails("22023", () -> ps.setInt(0, 1));
            assertFails("22023", () -> ps.setInt(3, 1));
            assertFails("22023", () -> ps.setString(3, "x"));
            assertFails("22023", () -> ps.setObject(0, 1));
            assertFails("22023", () -> ps.setNull(3, Types.INTEGER));
        }
    }

    @Test
    void executingWithAParameterNotSetFails() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT ?, ?")) {
            ps.setInt(1, 1);
            assertFails("22023", ps::executeQuery);
            ps.setInt(2, 2);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertEquals(2, rs.getInt(2));
            }
            ps.clearParameters();
            assertFails("22023", ps::executeQuery);
        }
    }

    @Test
    void aValueOfTheWrongTypeForItsColumnFails() throws SQLException {
        String t = table("wrong_type");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?)")) {
                ps.setString(1, "abc");
                SQLDataException e = assertFails(SQLDataException.class, "22P02", ps::executeUpdate);
                assertNotNull(e.getMessage());
                ps.setString(1, "12");
                assertEquals(1, ps.executeUpdate(), "a numeric string is cast");
            }
            assertEquals(12, scalarLong(c, "SELECT sum(id) FROM " + t));
        }
    }

    @Test
    void preparedStatementMetaDataBeforeExecution() throws SQLException {
        String t = table("prepared_meta");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT, name VARCHAR(20))");
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM " + t + " WHERE id = ?")) {
                assertEquals(1, ps.getParameterMetaData().getParameterCount());
                ResultSetMetaData md = ps.getMetaData();
                assertNotNull(md);
                assertEquals(2, md.getColumnCount());
                assertEquals("id", md.getColumnLabel(1));
                assertEquals("name", md.getColumnLabel(2));
                assertEquals(Types.INTEGER, md.getColumnType(1));
                assertEquals(Types.VARCHAR, md.getColumnType(2));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?)")) {
                assertEquals(2, ps.getParameterMetaData().getParameterCount());
                assertNull(ps.getMetaData());
            }
        }
    }

    @Test
    void preparedBatches() throws SQLException {
        String t = table("prepared_batch");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT, name VARCHAR(20))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?)")) {
                for (int i = 1; i <= 50; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "n" + i);
                    ps.addBatch();
                }
                int[] ones = new int[50];
                Arrays.fill(ones, 1);
                assertArrayEquals(ones, ps.executeBatch());
                assertArrayEquals(new int[0], ps.executeBatch(), "executeBatch empties the batch");

                ps.setInt(1, 99);
                ps.setString(2, "cleared");
                ps.addBatch();
                ps.clearBatch();
                assertArrayEquals(new int[0], ps.executeBatch());
            }
            assertEquals(50, scalarLong(c, "SELECT count(*) FROM " + t));
            assertEquals(1275, scalarLong(c, "SELECT sum(id) FROM " + t));

            // A failing row: the counts before it, and its SQLSTATE.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id) VALUES (?)")) {
                ps.setString(1, "100");
                ps.addBatch();
                ps.setString(1, "101");
                ps.addBatch();
                ps.setString(1, "not a number");
                ps.addBatch();
                ps.setString(1, "103");
                ps.addBatch();
                BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
                assertArrayEquals(new int[] {1, 1}, e.getUpdateCounts());
                assertEquals("22P02", e.getSQLState());
            }
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    void preparedStatementsAreReusedManyTimes() throws SQLException {
        String t = table("reuse");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT, name VARCHAR(20), price DECIMAL(10,2))");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?)")) {
                for (int i = 1; i <= 100; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "n" + i);
                    ins.setBigDecimal(3, new BigDecimal(i + ".25"));
                    assertFalse(ins.execute());
                    assertEquals(1, ins.getUpdateCount());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, price FROM " + t + " WHERE id = ?")) {
                for (int i = 1; i <= 100; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertSame(ps, rs.getStatement());
                        assertTrue(rs.next(), "execution " + i);
                        assertEquals(i, rs.getInt(1));
                        assertEquals("n" + i, rs.getString(2));
                        assertEquals(new BigDecimal(i + ".25"), rs.getBigDecimal(3));
                        assertFalse(rs.next());
                    }
                }
            }
        }
    }

    // ================================================================ ResultSet

    @Test
    void getObjectGivesTheJdbcTypes() throws SQLException {
        String t = table("objects");
        try (Connection c = connect()) {
            insertAllTypesRow(c, t);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ALL_TYPES_SELECT + t)) {
                assertTrue(rs.next());
                assertValue(-2, rs.getObject("sm"), "SMALLINT");
                assertValue(42, rs.getObject("i"), "INTEGER");
                assertValue(10000000000L, rs.getObject("bi"), "BIGINT");
                assertValue(1.5f, rs.getObject("r"), "REAL");
                assertValue(2.25d, rs.getObject("d"), "DOUBLE PRECISION");
                assertValue(new BigDecimal("12.500"), rs.getObject("n"), "DECIMAL(12,3)");
                assertValue("héllo ✓", rs.getObject("vc"), "VARCHAR");
                assertValue("abc", rs.getObject("ch"), "CHAR");
                assertValue(Boolean.TRUE, rs.getObject("b"), "BOOLEAN");
                assertValue(Date.valueOf("2024-02-29"), rs.getObject("dt"), "DATE");
                assertValue(Timestamp.valueOf("2024-01-31 23:30:00"), rs.getObject("ts"), "TIMESTAMP");
                Object tz = rs.getObject("tz");
                assertNotNull(tz);
                assertEquals(Timestamp.class, tz.getClass(), "TIMESTAMPTZ");
                assertEquals(TZ_INSTANT, ((Timestamp) tz).toInstant());
                assertValue("text", rs.getObject("tx"), "text");
                assertValue(Time.valueOf("13:45:30"), rs.getObject("tm"), "TIME");
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void gettersConvertValues() throws SQLException {
        String t = table("getters");
        try (Connection c = connect()) {
            insertAllTypesRow(c, t);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ALL_TYPES_SELECT + t)) {
                assertTrue(rs.next());
                assertEquals(-2, rs.getShort("sm"));
                assertEquals(-2, rs.getByte("sm"));
                assertEquals(-2, rs.getInt("sm"));
                assertEquals(42, rs.getInt("i"));
                assertEquals(42L, rs.getLong("i"));
                assertEquals(42.0, rs.getDouble("i"));
                assertEquals(0, new BigDecimal(42).compareTo(rs.getBigDecimal("i")));
                assertEquals("42", rs.getString("i"));
                assertEquals(10000000000L, rs.getLong("bi"));
                assertEquals(1.5f, rs.getFloat("r"));
                assertEquals(1.5, rs.getDouble("r"));
                assertEquals(2.25, rs.getDouble("d"));
                assertEquals(new BigDecimal("12.500"), rs.getBigDecimal("n"));
                assertEquals("12.500", rs.getString("n"));
                assertEquals(12.5, rs.getDouble("n"));
                assertEquals("héllo ✓", rs.getString("vc"));
                assertEquals("abc", rs.getString("ch"));
                assertTrue(rs.getBoolean("b"));
                assertEquals("t", rs.getString("b"));
                assertEquals(Date.valueOf("2024-02-29"), rs.getDate("dt"));
                assertEquals("2024-02-29", rs.getString("dt"));
                assertEquals(Timestamp.valueOf("2024-01-31 23:30:00"), rs.getTimestamp("ts"));
                assertEquals(TZ_INSTANT, rs.getTimestamp("tz").toInstant());
                assertEquals(Time.valueOf("13:45:30"), rs.getTime("tm"));
                assertEquals("text", rs.getString("tx"));

                // getObject(column, Class)
                assertEquals(LocalDate.of(2024, 2, 29), rs.getObject("dt", LocalDate.class));
                assertEquals(LocalDateTime.of(2024, 1, 31, 23, 30), rs.getObject("ts", LocalDateTime.class));
                assertEquals(LocalTime.of(13, 45, 30), rs.getObject("tm", LocalTime.class));
                assertEquals(TZ_INSTANT, rs.getObject("tz", OffsetDateTime.class).toInstant());
                assertEquals("héllo ✓", rs.getObject("vc", String.class));
                assertEquals(Integer.valueOf(42), rs.getObject("i", Integer.class));
                assertEquals(Long.valueOf(10000000000L), rs.getObject("bi", Long.class));
                assertEquals(Long.valueOf(42L), rs.getObject("i", Long.class));
                assertEquals(new BigDecimal("12.500"), rs.getObject("n", BigDecimal.class));
                assertEquals(Boolean.TRUE, rs.getObject("b", Boolean.class));
                assertEquals(Double.valueOf(2.25), rs.getObject("d", Double.class));

                // Conversions that cannot be made.
                SQLException range = assertFails("22003", () -> rs.getInt("bi"));
                assertTrue(range instanceof SQLDataException, range::toString);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 'abc' AS word, '42' AS digits, FALSE AS no")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt("digits"));
                assertEquals(42L, rs.getLong("digits"));
                SQLException notNumber = assertFailsWithClass("22", () -> rs.getInt("word"));
                assertTrue(notNumber instanceof SQLDataException, notNumber::toString);
                assertEquals("f", rs.getString("no"));
                assertFalse(rs.getBoolean("no"));
            }
        }
    }

    @Test
    void wasNullReportsTheLastValueRead() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CAST(NULL AS INT) AS i, CAST(NULL AS VARCHAR(5)) AS v, 7 AS k,"
                     + " CAST(NULL AS DATE) AS dt, CAST(NULL AS BOOLEAN) AS b")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt("i"));
            assertTrue(rs.wasNull());
            assertEquals(7, rs.getInt("k"));
            assertFalse(rs.wasNull());
            assertNull(rs.getString("v"));
            assertTrue(rs.wasNull());
            assertNull(rs.getObject("i"));
            assertNull(rs.getDate("dt"));
            assertNull(rs.getObject("dt", LocalDate.class));
            assertFalse(rs.getBoolean("b"));
            assertTrue(rs.wasNull());
            assertNull(rs.getBigDecimal("i"));
            assertEquals(0L, rs.getLong("i"));
            assertTrue(rs.wasNull());
        }
    }

    @Test
    void columnsByIndexAndByLabel() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 AS id, 'x' AS name")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt("id"));
            assertEquals(1, rs.getInt("ID"));
            assertEquals(1, rs.getInt("Id"));
            assertEquals("x", rs.getString("NAME"));
            assertEquals(2, rs.findColumn("Name"));
            assertFails("42703", () -> rs.getInt("nope"));
            assertFails("42703", () -> rs.findColumn("nope"));
            assertFails("22023", () -> rs.getInt(0));
            assertFails("22023", () -> rs.getInt(3));
            assertFails("22023", () -> rs.getObject(3));
        }
    }

    @Test
    void resultSetsAreForwardOnly() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 2) ORDER BY value")) {
            assertEquals(ResultSet.TYPE_FORWARD_ONLY, rs.getType());
            assertEquals(ResultSet.CONCUR_READ_ONLY, rs.getConcurrency());
            assertFails("24000", () -> rs.getInt(1));
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1));
            assertFalse(rs.next());
            assertFalse(rs.next());
            assertFails("24000", () -> rs.getInt(1));
            assertFails("24000", () -> rs.getString(1));

            List<Executable> moves = List.of(rs::previous, () -> rs.absolute(1), rs::first, rs::last, rs::beforeFirst);
            for (int i = 0; i < moves.size(); i++) {
                int index = i;
                SQLException e = assertThrows(SQLException.class, moves.get(i), () -> "move #" + index);
                assertTrue(e instanceof SQLFeatureNotSupportedException || "24000".equals(e.getSQLState()),
                        () -> "move #" + index + ": " + e);
            }
        }
    }

    @Test
    void resultSetsAreReadOnly() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 AS a, 'b' AS b")) {
            assertTrue(rs.next());
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateInt(1, 2));
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateString("b", "c"));
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateObject(1, 3));
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateNull(1));
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void closedResultSet() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT 1");
            assertSame(s, rs.getStatement());
            assertFalse(rs.isClosed());
            rs.close();
            assertTrue(rs.isClosed());
            rs.close(); // twice is fine
            assertFails("55000", rs::next);
            assertFails("55000", () -> rs.getInt(1));
            assertFails("55000", rs::getMetaData);
            assertFails("55000", rs::wasNull);
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    @Test
    void resultSetMetaDataDescribesTheColumns() throws SQLException {
        String t = table("rs_meta");
        try (Connection c = connect()) {
            insertAllTypesRow(c, t);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ALL_TYPES_SELECT + t)) {
                ResultSetMetaData md = rs.getMetaData();
                assertEquals(14, md.getColumnCount());
                List<String> labels = new ArrayList<>();
                List<Integer> types = new ArrayList<>();
                List<String> typeNames = new ArrayList<>();
                for (int col = 1; col <= 14; col++) {
                    labels.add(md.getColumnLabel(col));
                    assertEquals(md.getColumnLabel(col), md.getColumnName(col));
                    types.add(md.getColumnType(col));
                    typeNames.add(md.getColumnTypeName(col));
                    assertEquals(ResultSetMetaData.columnNullable, md.isNullable(col), "column " + col);
                }
                assertEquals(List.of("sm", "i", "bi", "r", "d", "n", "vc", "ch", "b", "dt", "ts", "tz", "tx", "tm"), labels);
                assertEquals(List.of(Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.REAL, Types.DOUBLE, Types.NUMERIC,
                        Types.VARCHAR, Types.CHAR, Types.BIT, Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP, Types.VARCHAR,
                        Types.TIME), types);
                assertEquals(List.of("int2", "int4", "int8", "float4", "float8", "numeric", "varchar", "bpchar", "bool", "date",
                        "timestamp", "timestamptz", "text", "time"), typeNames);
                assertEquals(12, md.getPrecision(6));
                assertEquals(3, md.getScale(6));
                assertEquals(40, md.getPrecision(7));
                assertEquals(3, md.getPrecision(8));

                assertTrue(rs.next());
                for (int col = 1; col <= 14; col++) {
                    assertEquals(rs.getObject(col).getClass().getName(), md.getColumnClassName(col), "column " + col);
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT i AS renamed FROM " + t)) {
                assertEquals("renamed", rs.getMetaData().getColumnLabel(1));
            }
        }
    }

    // ================================================================ DatabaseMetaData

    @Test
    void metaDataGetTables() throws SQLException {
        String t = table("md_tables");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT NOT NULL, name VARCHAR(20), PRIMARY KEY (id))");
            try (ResultSet rs = c.getMetaData().getTables(null, "public", t, new String[] {"TABLE"})) {
                assertLeadingColumns(rs, "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS");
                assertTrue(rs.next());
                assertEquals(c.getCatalog(), rs.getString("TABLE_CAT"));
                assertEquals("public", rs.getString("TABLE_SCHEM"));
                assertEquals(t, rs.getString("TABLE_NAME"));
                assertEquals("TABLE", rs.getString("TABLE_TYPE"));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void metaDataGetColumns() throws SQLException {
        String t = table("md_columns");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT NOT NULL, name VARCHAR(20), price DECIMAL(10,2))");
            try (ResultSet rs = c.getMetaData().getColumns(null, "public", t, null)) {
                assertLeadingColumns(rs, "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME",
                        "COLUMN_SIZE");
                List<String> columns = new ArrayList<>();
                while (rs.next()) {
                    assertEquals(t, rs.getString("TABLE_NAME"));
                    columns.add(rs.getString("COLUMN_NAME") + " " + rs.getInt("DATA_TYPE") + " " + rs.getString("TYPE_NAME")
                            + " " + rs.getInt("ORDINAL_POSITION") + " " + rs.getString("IS_NULLABLE"));
                }
                assertEquals(List.of("id " + Types.INTEGER + " int4 1 NO", "name " + Types.VARCHAR + " varchar 2 YES",
                        "price " + Types.NUMERIC + " numeric 3 YES"), columns);
            }
        }
    }

    @Test
    void metaDataGetSchemasAndCatalogs() throws SQLException {
        try (Connection c = connect()) {
            DatabaseMetaData md = c.getMetaData();
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = md.getSchemas()) {
                assertLeadingColumns(rs, "TABLE_SCHEM", "TABLE_CATALOG");
                while (rs.next()) {
                    schemas.add(rs.getString("TABLE_SCHEM"));
                }
            }
            assertTrue(schemas.containsAll(List.of("public", "pg_catalog")), schemas::toString);
            List<String> catalogs = new ArrayList<>();
            try (ResultSet rs = md.getCatalogs()) {
                assertLeadingColumns(rs, "TABLE_CAT");
                while (rs.next()) {
                    catalogs.add(rs.getString("TABLE_CAT"));
                }
            }
            assertTrue(catalogs.contains(c.getCatalog()), catalogs::toString);
        }
    }

    @Test
    void metaDataGetTableTypes() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTableTypes()) {
            assertLeadingColumns(rs, "TABLE_TYPE");
            List<String> types = new ArrayList<>();
            while (rs.next()) {
                types.add(rs.getString(1));
            }
            assertTrue(types.contains("TABLE"), types::toString);
        }
    }

    @Test
    void metaDataGetPrimaryKeys() throws SQLException {
        String t = table("md_pk");
        try (Connection c = connect()) {
            recreate(c, t, "(a INT NOT NULL, b VARCHAR(5) NOT NULL, v INT, PRIMARY KEY (a, b))");
            try (ResultSet rs = c.getMetaData().getPrimaryKeys(null, "public", t)) {
                assertLeadingColumns(rs, "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME");
                List<String> keys = new ArrayList<>();
                while (rs.next()) {
                    assertEquals(t, rs.getString("TABLE_NAME"));
                    keys.add(rs.getString("COLUMN_NAME") + " " + rs.getInt("KEY_SEQ"));
                }
                assertEquals(List.of("a 1", "b 2"), keys);
            }
        }
    }

    @Test
    void metaDataGetTypeInfo() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTypeInfo()) {
            assertLeadingColumns(rs, "TYPE_NAME", "DATA_TYPE", "PRECISION");
            List<Integer> types = new ArrayList<>();
            while (rs.next()) {
                assertNotNull(rs.getString("TYPE_NAME"));
                types.add(rs.getInt("DATA_TYPE"));
            }
            assertTrue(types.containsAll(List.of(Types.INTEGER, Types.BIGINT, Types.VARCHAR, Types.NUMERIC, Types.DATE,
                    Types.TIMESTAMP)), types::toString);
        }
    }

    // ================================================================ errors

    @Test
    void errorsAreJdbcSubclassesBySqlStateClass() throws SQLException {
        String t = table("errors");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            recreate(c, t, "(id INT NOT NULL)");
            assertFails(SQLSyntaxErrorException.class, "42601", () -> s.executeQuery("SELEC 1"));
            SQLSyntaxErrorException missing = assertFails(SQLSyntaxErrorException.class, "42P01",
                    () -> s.executeQuery("SELECT * FROM " + table("no_such_table")));
            assertTrue(missing.getMessage().contains(table("no_such_table")), missing::getMessage);
            assertFails(SQLSyntaxErrorException.class, "42703", () -> s.executeQuery("SELECT no_such_column FROM " + t));
            assertFails(SQLDataException.class, "22012", () -> {
                try (ResultSet rs = s.executeQuery("SELECT 1 / 0")) {
                    rs.next();
                }
            });
            assertFails(SQLIntegrityConstraintViolationException.class, "23502",
                    () -> s.executeUpdate("INSERT INTO " + t + " VALUES (NULL)"));
            assertEquals(1, scalarLong(c, "SELECT 1"), "the connection works after errors");
        }
    }

    // ================================================================ resources and threads

    /** Native.liveObjects() once the Cleaner has freed what earlier tests left to it. */
    static long settledLiveObjects() throws InterruptedException {
        long last = Native.liveObjects();
        int stable = 0;
        for (int i = 0; i < 100 && stable < 3; i++) {
            System.gc();
            Thread.sleep(50);
            long now = Native.liveObjects();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    @Test
    void closingEverythingFreesTheNativeObjects() throws Exception {
        long start = settledLiveObjects();
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                s.setFetchSize(100);
                try (ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 100000)")) {
                    assertTrue(rs.next());
                    assertTrue(Native.liveObjects() > start);
                }
                try (ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertTrue(rs.next());
                }
                s.executeUpdate("DROP TABLE IF EXISTS " + table("leak_none"));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ? + 1")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                }
            }
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
                rs.next();
            }
        }
        assertEquals(start, Native.liveObjects(), "native objects after closing everything");

        // Closing the connection alone closes its statements and their results.
        Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 100000)");
        assertTrue(rs.next());
        PreparedStatement ps = c.prepareStatement("SELECT ?");
        ps.setInt(1, 1);
        ResultSet prs = ps.executeQuery();
        assertTrue(prs.next());
        c.close();
        assertTrue(s.isClosed());
        assertTrue(rs.isClosed());
        assertTrue(ps.isClosed());
        assertTrue(prs.isClosed());
        assertEquals(start, Native.liveObjects(), "native objects after closing the connection");
    }

    /** Opens a connection, statements and results, and drops them without closing them. */
    private void openAndDrop() throws SQLException {
        Connection c = connect();
        Statement s = c.createStatement();
        s.setFetchSize(100);
        ResultSet rs = s.executeQuery("SELECT value FROM generate_series(1, 100000) ORDER BY value");
        assertTrue(rs.next());
        PreparedStatement ps = c.prepareStatement("SELECT ? + 1");
        ps.setInt(1, 1);
        ResultSet prs = ps.executeQuery();
        assertTrue(prs.next());
    }

    @Test
    @Timeout(120)
    void objectsDroppedWithoutCloseAreFreedByTheCleaner() throws Exception {
        long start = settledLiveObjects();
        openAndDrop();
        assertTrue(Native.liveObjects() > start, "the dropped objects are alive until collected");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long now = Native.liveObjects();
        while (now != start && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
            now = Native.liveObjects();
        }
        assertEquals(start, now, "native objects once the dropped ones are collected");
    }

    @Test
    @Timeout(300)
    void threadsWithTheirOwnConnectionsRunConcurrently() throws Exception {
        String t = table("threads");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT, v BIGINT)");
            update(c, "INSERT INTO " + t + " SELECT value, value * 2 FROM generate_series(1, 1000)");
        }
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = 100 * (i + 1);
                results.add(pool.submit(() -> {
                    int done = 0;
                    try (Connection own = connect();
                         PreparedStatement ps = own.prepareStatement("SELECT count(*), sum(v) FROM " + t + " WHERE id <= ?")) {
                        for (int round = 0; round < 20; round++) {
                            ps.setInt(1, n);
                            try (ResultSet rs = ps.executeQuery()) {
                                assertTrue(rs.next());
                                assertEquals(n, rs.getLong(1));
                                assertEquals((long) n * (n + 1), rs.getLong(2));
                            }
                            try (Statement s = own.createStatement();
                                 ResultSet rs = s.executeQuery("SELECT count(*) FROM generate_series(1, 5000)")) {
                                assertTrue(rs.next());
                                assertEquals(5000, rs.getLong(1));
                            }
                            done++;
                        }
                    }
                    return done;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(20, result.get(240, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(300)
    void oneConnectionUsedFromTwoThreadsAtOnceDoesNotCrash() throws Exception {
        try (Connection c = connect()) {
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<Integer> work = () -> {
                start.await();
                int ok = 0;
                for (int i = 0; i < 50; i++) {
                    try (Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT count(*) FROM generate_series(1, 20000)")) {
                        while (rs.next()) {
                            assertEquals(20000, rs.getLong(1));
                        }
                        ok++;
                    } catch (SQLException e) {
                        // Allowed: the driver may refuse a second concurrent use (or wait).
                    }
                }
                return ok;
            };
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> a = pool.submit(work);
                Future<Integer> b = pool.submit(work);
                int ok = a.get(240, TimeUnit.SECONDS) + b.get(240, TimeUnit.SECONDS);
                assertTrue(ok > 0, "no query succeeded");
            } finally {
                pool.shutdownNow();
            }
            assertTrue(c.isValid(5));
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }
}
