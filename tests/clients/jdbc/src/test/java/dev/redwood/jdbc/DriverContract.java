package dev.redwood.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * What every JDBC driver must be able to do against `redwood serve`. Each driver's test class
 * (PgJdbcTest, RedshiftJdbcTest) supplies its URL and a table-name prefix (both classes run against
 * one server), and adds what is particular to it.
 */
abstract class DriverContract {

    /** JDBC URL of the server under test, without user and password. */
    protected abstract String url();

    /** Prefix of every table this class creates, so that the classes do not collide. */
    protected abstract String prefix();

    /** What DatabaseMetaData.getDatabaseProductName() returns with this driver. */
    protected abstract String productName();

    /** The session's user (current_user, DatabaseMetaData.getUserName()): the user connected as. */
    protected String expectedUser() {
        return Redwood.user();
    }

    protected Connection connect() throws SQLException {
        return connect(new Properties());
    }

    protected Connection connect(Properties extra) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", Redwood.user());
        props.setProperty("password", Redwood.password());
        props.putAll(extra);
        return DriverManager.getConnection(url(), props);
    }

    /**
     * Runs a statement as another user (a login of theirs): null when it succeeds, else its
     * SQLSTATE.
     */
    protected String runAs(Connection admin, String user, String password, String sql) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(url(), props); Statement s = c.createStatement()) {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** tests/clients/privilege_matrix.txt: users × objects × statements, 42501 where not granted. */
    @Test
    void privilegeMatrix() throws Exception {
        PrivilegeMatrix matrix = PrivilegeMatrix.load();
        try (Connection admin = connect()) {
            // The server is shared with the other drivers' classes: set up once.
            if (scalarLong(admin, "SELECT count(*) FROM pg_user WHERE usename = '" + matrix.users.get(0) + "'") == 0) {
                try (Statement s = admin.createStatement()) {
                    for (String sql : matrix.setup) {
                        s.execute(sql);
                    }
                }
            }
            Map<String, String> wrong = matrix.mismatches((user, sql) -> runAs(admin, user, matrix.password, sql));
            assertTrue(wrong.isEmpty(), wrong.toString());
        }
    }

    protected String table(String name) {
        return prefix() + "_" + name;
    }

    /** Drops (if there) and creates a table, in autocommit. */
    protected static void recreate(Connection c, String table, String definition) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " " + definition);
        }
    }

    protected static long scalarLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "no row from " + sql);
            long value = rs.getLong(1);
            assertFalse(rs.next(), "more than one row from " + sql);
            return value;
        }
    }

    // ---------------------------------------------------------------- connection

    @Test
    void connectsAndReportsServer() throws SQLException {
        try (Connection c = connect()) {
            assertTrue(c.isValid(5));
            assertTrue(c.getAutoCommit());
            DatabaseMetaData md = c.getMetaData();
            assertEquals(productName(), md.getDatabaseProductName());
            assertEquals("8.0.2", md.getDatabaseProductVersion());
            assertEquals(8, md.getDatabaseMajorVersion());
            assertEquals(0, md.getDatabaseMinorVersion());
            assertEquals(expectedUser(), md.getUserName());
            assertEquals(Redwood.database(), c.getCatalog());
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_database(), current_user, version(), 1 + 1")) {
                assertTrue(rs.next());
                assertEquals("dev", rs.getString(1));
                assertEquals(expectedUser(), rs.getString(2));
                assertTrue(rs.getString(3).startsWith("PostgreSQL 8.0.2"), rs.getString(3));
                assertTrue(rs.getString(3).contains("Redshift"), rs.getString(3));
                assertEquals(2, rs.getInt(4));
                assertFalse(rs.next());
            }
        }
    }

    // ---------------------------------------------------------------- DDL

    @Test
    void createTableWithDistkeyAndSortkey() throws SQLException {
        String keyed = table("dist_keyed");
        String inline = table("dist_inline");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + keyed);
            s.execute("DROP TABLE IF EXISTS " + inline);
            assertEquals(0, s.executeUpdate("CREATE TABLE " + keyed
                    + " (id INT NOT NULL, region VARCHAR(16) ENCODE zstd, amount DECIMAL(12,2))"
                    + " DISTSTYLE KEY DISTKEY(id) COMPOUND SORTKEY(region, id)"));
            assertEquals(0, s.executeUpdate("CREATE TABLE " + inline
                    + " (id BIGINT IDENTITY(1,1), customer INT NOT NULL DISTKEY, day DATE SORTKEY)"));
            assertEquals(1, s.executeUpdate("INSERT INTO " + keyed + " VALUES (1, 'emea', 10.50)"));
            assertEquals(2, s.executeUpdate("INSERT INTO " + inline + " (customer, day) VALUES (7, '2024-01-01'), (8, '2024-01-02')"));
            assertEquals(2, scalarLong(c, "SELECT count(DISTINCT id) FROM " + inline));

            // Redshift's catalog records the distribution and sort keys.
            String sql = "SELECT a.attname, a.attisdistkey, a.attsortkeyord FROM pg_catalog.pg_attribute a"
                    + " JOIN pg_catalog.pg_class c ON a.attrelid = c.oid"
                    + " WHERE c.relname = ? AND a.attnum > 0 ORDER BY a.attnum";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, keyed);
                assertEquals(List.of("id true 2", "region false 1", "amount false 0"), keyColumns(ps));
                ps.setString(1, inline);
                assertEquals(List.of("id false 0", "customer true 0", "day false 1"), keyColumns(ps));
            }
        }
    }

    /** "attname attisdistkey attsortkeyord" of each row. */
    private static List<String> keyColumns(PreparedStatement ps) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getBoolean(2) + " " + rs.getInt(3));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- parameters and types

    static final String TYPES_DDL = "(k INT NOT NULL, i INT, l BIGINT, s VARCHAR(40), d DECIMAL(12,3), dt DATE,"
            + " ts TIMESTAMP, b BOOLEAN) DISTKEY(k) SORTKEY(k)";
    static final String TEXT = "héllo wörld ✓ it's";
    static final BigDecimal DECIMAL = new BigDecimal("-12345.678");
    static final Date DATE = Date.valueOf("2024-02-29");
    static final Timestamp TIMESTAMP = Timestamp.valueOf("2024-01-31 12:30:45.123456");

    /** Inserts one row of every type and one of NULLs with typed setters, and reads both back with getters. */
    protected static void typedRoundTrip(Connection c, String table) throws SQLException {
        recreate(c, table, TYPES_DDL);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, 1);
            ps.setInt(2, Integer.MIN_VALUE);
            ps.setLong(3, 9007199254740993L);
            ps.setString(4, TEXT);
            ps.setBigDecimal(5, DECIMAL);
            ps.setDate(6, DATE);
            ps.setTimestamp(7, TIMESTAMP);
            ps.setBoolean(8, true);
            assertEquals(1, ps.executeUpdate());

            ps.setInt(1, 2);
            ps.setNull(2, Types.INTEGER);
            ps.setNull(3, Types.BIGINT);
            ps.setNull(4, Types.VARCHAR);
            ps.setNull(5, Types.DECIMAL);
            ps.setNull(6, Types.DATE);
            ps.setNull(7, Types.TIMESTAMP);
            ps.setNull(8, Types.BOOLEAN);
            assertEquals(1, ps.executeUpdate());

            ps.setInt(1, 3);
            ps.setObject(2, 42);
            ps.setObject(3, 42L);
            ps.setObject(4, "plain");
            ps.setObject(5, new BigDecimal("0.001"));
            ps.setObject(6, LocalDate.of(1999, 12, 31));
            ps.setObject(7, LocalDateTime.of(2000, 1, 1, 0, 0, 0));
            ps.setObject(8, Boolean.FALSE);
            assertEquals(1, ps.executeUpdate());
        }

        try (PreparedStatement ps = c.prepareStatement("SELECT k, i, l, s, d, dt, ts, b FROM " + table + " WHERE k = ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(Integer.MIN_VALUE, rs.getInt("i"));
                assertEquals(9007199254740993L, rs.getLong("l"));
                assertEquals(TEXT, rs.getString("s"));
                assertEquals(DECIMAL, rs.getBigDecimal("d"));
                assertEquals(DATE, rs.getDate("dt"));
                assertEquals(TIMESTAMP, rs.getTimestamp("ts"));
                assertTrue(rs.getBoolean("b"));
                assertFalse(rs.wasNull());

                assertEquals(Integer.class, rs.getObject("i").getClass());
                assertEquals(Long.class, rs.getObject("l").getClass());
                assertEquals(String.class, rs.getObject("s").getClass());
                assertEquals(DECIMAL, rs.getObject("d"));
                assertEquals(DATE, rs.getObject("dt"));
                assertEquals(TIMESTAMP, rs.getObject("ts"));
                assertEquals(Boolean.TRUE, rs.getObject("b"));
                assertEquals(LocalDate.of(2024, 2, 29), rs.getObject("dt", LocalDate.class));
                assertEquals(LocalDateTime.of(2024, 1, 31, 12, 30, 45, 123456000), rs.getObject("ts", LocalDateTime.class));

                ResultSetMetaData md = rs.getMetaData();
                assertEquals(8, md.getColumnCount());
                List<String> names = new ArrayList<>();
                List<Integer> types = new ArrayList<>();
                List<String> typeNames = new ArrayList<>();
                for (int col = 1; col <= 8; col++) {
                    names.add(md.getColumnLabel(col));
                    types.add(md.getColumnType(col));
                    typeNames.add(md.getColumnTypeName(col));
                }
                assertEquals(List.of("k", "i", "l", "s", "d", "dt", "ts", "b"), names);
                assertEquals(List.of(Types.INTEGER, Types.INTEGER, Types.BIGINT, Types.VARCHAR, Types.NUMERIC,
                        Types.DATE, Types.TIMESTAMP, Types.BIT), types);
                assertEquals(List.of("int4", "int4", "int8", "varchar", "numeric", "date", "timestamp", "bool"), typeNames);
                assertEquals(12, md.getPrecision(5));
                assertEquals(3, md.getScale(5));
                assertEquals(40, md.getPrecision(4));
                assertEquals(Long.class.getName(), md.getColumnClassName(3));
                assertEquals(BigDecimal.class.getName(), md.getColumnClassName(5));
                assertFalse(rs.next());
            }

            ps.setInt(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt("k"));
                assertEquals(0, rs.getInt("i"));
                assertTrue(rs.wasNull());
                assertEquals(0L, rs.getLong("l"));
                assertTrue(rs.wasNull());
                assertNull(rs.getString("s"));
                assertNull(rs.getBigDecimal("d"));
                assertNull(rs.getDate("dt"));
                assertNull(rs.getTimestamp("ts"));
                assertFalse(rs.getBoolean("b"));
                assertTrue(rs.wasNull());
                for (int col = 2; col <= 8; col++) {
                    assertNull(rs.getObject(col), "column " + col);
                }
                assertFalse(rs.next());
            }

            ps.setInt(1, 3);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt("i"));
                assertEquals(42L, rs.getLong("l"));
                assertEquals("plain", rs.getString("s"));
                assertEquals(new BigDecimal("0.001"), rs.getBigDecimal("d"));
                assertEquals(Date.valueOf("1999-12-31"), rs.getDate("dt"));
                assertEquals(Timestamp.valueOf("2000-01-01 00:00:00"), rs.getTimestamp("ts"));
                assertFalse(rs.getBoolean("b"));
                assertFalse(rs.wasNull());
            }
        }

        // Parameters in WHERE of every type.
        try (PreparedStatement ps = c.prepareStatement("SELECT k FROM " + table
                + " WHERE i = ? AND l = ? AND s = ? AND d = ? AND dt = ? AND ts = ? AND b = ?")) {
            ps.setInt(1, Integer.MIN_VALUE);
            ps.setLong(2, 9007199254740993L);
            ps.setString(3, TEXT);
            ps.setBigDecimal(4, DECIMAL);
            ps.setDate(5, DATE);
            ps.setTimestamp(6, TIMESTAMP);
            ps.setBoolean(7, true);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void preparedStatementTypedRoundTrip() throws SQLException {
        try (Connection c = connect()) {
            typedRoundTrip(c, table("types"));
        }
    }

    /** The same statement many times: the drivers switch to named server-side statements (and binary results) after 5. */
    @Test
    void preparedStatementReusedManyTimes() throws SQLException {
        String t = table("reuse");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT, name VARCHAR(20), price DECIMAL(10,2), day DATE, at TIMESTAMP)");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= 12; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "n" + i);
                    ins.setBigDecimal(3, new BigDecimal(i + ".25"));
                    ins.setDate(4, Date.valueOf(LocalDate.of(2024, 1, i)));
                    ins.setTimestamp(5, Timestamp.valueOf(LocalDateTime.of(2024, 1, i, 10, 0, 0, 500000000)));
                    assertEquals(1, ins.executeUpdate());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, price, day, at FROM " + t + " WHERE id = ?")) {
                for (int i = 1; i <= 12; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next(), "execution " + i);
                        assertEquals(i, rs.getInt(1));
                        assertEquals("n" + i, rs.getString(2));
                        assertEquals(new BigDecimal(i + ".25"), rs.getBigDecimal(3));
                        assertEquals(LocalDate.of(2024, 1, i), rs.getObject(4, LocalDate.class));
                        assertEquals(LocalDateTime.of(2024, 1, i, 10, 0, 0, 500000000), rs.getObject(5, LocalDateTime.class));
                        assertFalse(rs.next());
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- batches

    @Test
    void executeBatch() throws SQLException {
        String t = table("batch");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT, name VARCHAR(20), amount DECIMAL(10,2))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?)")) {
                for (int i = 1; i <= 100; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row " + i);
                    if (i % 10 == 0) {
                        ps.setNull(3, Types.DECIMAL);
                    } else {
                        ps.setBigDecimal(3, BigDecimal.valueOf(i, 1));
                    }
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                int[] ones = new int[100];
                Arrays.fill(ones, 1);
                assertArrayEquals(ones, counts);
            }
            assertEquals(100, scalarLong(c, "SELECT count(*) FROM " + t));
            assertEquals(5050, scalarLong(c, "SELECT sum(id) FROM " + t));
            assertEquals(90, scalarLong(c, "SELECT count(amount) FROM " + t));

            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO " + t + " VALUES (101, 'x', 1), (102, 'y', 2)");
                s.addBatch("UPDATE " + t + " SET amount = 0 WHERE id <= 10");
                s.addBatch("DELETE FROM " + t + " WHERE id > 100");
                assertArrayEquals(new int[] {2, 10, 2}, s.executeBatch());
            }
            assertEquals(0, scalarLong(c, "SELECT count(*) FROM " + t + " WHERE id <= 10 AND amount <> 0"));
        }
    }

    // ---------------------------------------------------------------- transactions

    @Test
    void autocommitOffCommitAndRollback() throws SQLException {
        String t = table("txn");
        try (Connection c = connect(); Connection other = connect()) {
            recreate(c, t, "(id INT, note VARCHAR(10))");
            c.setAutoCommit(false);
            assertFalse(c.getAutoCommit());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "rolled");
                ps.executeUpdate();
                assertEquals(1, scalarLong(c, "SELECT count(*) FROM " + t));
                c.rollback();
                assertEquals(0, scalarLong(c, "SELECT count(*) FROM " + t));

                ps.setInt(1, 2);
                ps.setString(2, "kept");
                ps.executeUpdate();
                // Not committed yet: another session does not see it.
                assertEquals(0, scalarLong(other, "SELECT count(*) FROM " + t));
                c.commit();
            }
            assertEquals(1, scalarLong(other, "SELECT count(*) FROM " + t));

            // An error aborts the transaction (25P02 afterwards) until rollback.
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + t + " VALUES (3, 'lost')");
                SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1 / 0"));
                assertEquals("22012", e.getSQLState());
                SQLException aborted = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1"));
                assertEquals("25P02", aborted.getSQLState());
            }
            c.rollback();
            assertEquals(1, scalarLong(c, "SELECT count(*) FROM " + t));
            c.commit();

            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + t + " VALUES (4, 'auto')");
            }
            assertEquals(2, scalarLong(other, "SELECT count(*) FROM " + t));
        }
    }

    // ---------------------------------------------------------------- streaming

    static final int STREAM_ROWS = 4096;

    @Test
    void fetchSizeStreamsLargeResult() throws SQLException {
        try (Connection c = connect()) {
            streamLargeResult(c, table("stream"));
        }
    }

    /**
     * Builds STREAM_ROWS rows server side (INSERT ... SELECT doubling) and reads them with autocommit off and a fetch
     * size of 100 (pgJDBC: a portal executed 100 rows at a time), with and without parameters.
     */
    protected static void streamLargeResult(Connection c, String t) throws SQLException {
        recreate(c, t, "(id INT, label VARCHAR(20)) DISTSTYLE EVEN");
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO " + t + " VALUES (1, 'row'), (2, 'row'), (3, 'row'), (4, 'row'),"
                    + " (5, 'row'), (6, 'row'), (7, 'row'), (8, 'row')");
            for (int rows = 8; rows < STREAM_ROWS; rows *= 2) {
                assertEquals(rows, s.executeUpdate("INSERT INTO " + t + " SELECT id + " + rows + ", label FROM " + t));
            }
        }
        assertEquals(STREAM_ROWS, scalarLong(c, "SELECT count(*) FROM " + t));

        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.setFetchSize(100);
            try (ResultSet rs = s.executeQuery("SELECT id, label || '-' || id AS label FROM " + t + " ORDER BY id")) {
                assertEquals(100, rs.getFetchSize());
                int expected = 0;
                while (rs.next()) {
                    expected++;
                    assertEquals(expected, rs.getInt(1));
                    assertEquals("row-" + expected, rs.getString(2));
                }
                assertEquals(STREAM_ROWS, expected);
            }
        }
        // Same with a prepared statement, interleaved with another query on the same connection.
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + t + " WHERE id > ? ORDER BY id")) {
            ps.setFetchSize(100);
            ps.setInt(1, 1000);
            try (ResultSet rs = ps.executeQuery()) {
                long sum = 0;
                int n = 0;
                while (rs.next()) {
                    sum += rs.getInt(1);
                    if (++n == 150) {
                        assertEquals(STREAM_ROWS, scalarLong(c, "SELECT max(id) FROM " + t));
                    }
                }
                assertEquals(STREAM_ROWS - 1000, n);
                assertEquals((long) STREAM_ROWS * (STREAM_ROWS + 1) / 2 - 1000L * 1001 / 2, sum);
            }
        }
        c.commit();
    }

    // ---------------------------------------------------------------- errors

    @Test
    void sqlStates() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            SQLException missing = assertThrows(SQLException.class,
                    () -> s.executeQuery("SELECT * FROM " + table("no_such_table")));
            assertEquals("42P01", missing.getSQLState());
            assertTrue(missing.getMessage().contains("relation \"" + table("no_such_table") + "\" does not exist"),
                    missing.getMessage());

            SQLException syntax = assertThrows(SQLException.class, () -> s.executeQuery("SELEC 1"));
            assertEquals("42601", syntax.getSQLState());

            SQLException preparedMissing = assertThrows(SQLException.class, () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table("no_such_table") + " WHERE id = ?")) {
                    ps.setInt(1, 1);
                    ps.executeQuery();
                }
            });
            assertEquals("42P01", preparedMissing.getSQLState());

            SQLException column = assertThrows(SQLException.class, () -> s.executeQuery("SELECT no_such_column FROM pg_catalog.pg_class"));
            assertEquals("42703", column.getSQLState());

            // The session is still usable in autocommit.
            assertEquals(1, scalarLong(c, "SELECT 1"));
        }
    }

    // ---------------------------------------------------------------- metadata

    @Test
    void databaseMetaData() throws SQLException {
        String t = table("meta");
        String pk2 = table("meta_pk2");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT NOT NULL, name VARCHAR(40), price DECIMAL(10,2) NOT NULL, qty BIGINT,"
                    + " created DATE, flag BOOLEAN, status VARCHAR(10) DEFAULT 'new', PRIMARY KEY (id)) DISTKEY(id) SORTKEY(created)");
            recreate(c, pk2, "(a INT NOT NULL, b VARCHAR(5) NOT NULL, v INT, PRIMARY KEY (a, b))");
            DatabaseMetaData md = c.getMetaData();

            assertEquals("8.0.2", md.getDatabaseProductVersion());

            // getTables
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "public", table("meta%"), new String[] {"TABLE"})) {
                while (rs.next()) {
                    assertEquals("dev", rs.getString("TABLE_CAT"));
                    assertEquals("public", rs.getString("TABLE_SCHEM"));
                    assertEquals("TABLE", rs.getString("TABLE_TYPE"));
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertEquals(List.of(t, pk2), tables);

            // getColumns, in ORDINAL_POSITION order:
            // "COLUMN_NAME DATA_TYPE TYPE_NAME COLUMN_SIZE DECIMAL_DIGITS NULLABLE IS_NULLABLE ORDINAL_POSITION"
            List<String> columns = new ArrayList<>();
            String statusDefault = null;
            try (ResultSet rs = md.getColumns(null, "public", t, null)) {
                while (rs.next()) {
                    assertEquals("dev", rs.getString("TABLE_CAT"));
                    assertEquals("public", rs.getString("TABLE_SCHEM"));
                    assertEquals(t, rs.getString("TABLE_NAME"));
                    String name = rs.getString("COLUMN_NAME");
                    columns.add(name + " " + rs.getInt("DATA_TYPE") + " " + rs.getString("TYPE_NAME") + " "
                            + rs.getInt("COLUMN_SIZE") + " " + rs.getInt("DECIMAL_DIGITS") + " "
                            + rs.getInt("NULLABLE") + " " + rs.getString("IS_NULLABLE") + " "
                            + rs.getInt("ORDINAL_POSITION"));
                    if (name.equals("status")) {
                        statusDefault = rs.getString("COLUMN_DEF");
                    } else {
                        assertNull(rs.getString("COLUMN_DEF"), name);
                    }
                }
            }
            int notNull = DatabaseMetaData.columnNoNulls;
            int nullable = DatabaseMetaData.columnNullable;
            assertEquals(List.of(
                    "id " + Types.INTEGER + " int4 10 0 " + notNull + " NO 1",
                    "name " + Types.VARCHAR + " varchar 40 0 " + nullable + " YES 2",
                    "price " + Types.NUMERIC + " numeric 10 2 " + notNull + " NO 3",
                    "qty " + Types.BIGINT + " int8 19 0 " + nullable + " YES 4",
                    "created " + Types.DATE + " date 13 0 " + nullable + " YES 5",
                    "flag " + Types.BIT + " bool 1 0 " + nullable + " YES 6",
                    "status " + Types.VARCHAR + " varchar 10 0 " + nullable + " YES 7"), columns);
            assertNotNull(statusDefault);
            assertTrue(statusDefault.contains("'new'"), statusDefault);

            // A column pattern.
            List<String> priceOnly = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, "public", t, "pri%")) {
                while (rs.next()) {
                    priceOnly.add(rs.getString("COLUMN_NAME") + " " + rs.getInt("ORDINAL_POSITION"));
                }
            }
            assertEquals(List.of("price 3"), priceOnly);

            // getSchemas
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = md.getSchemas()) {
                while (rs.next()) {
                    schemas.add(rs.getString("TABLE_SCHEM"));
                    assertEquals("dev", rs.getString("TABLE_CATALOG"));
                }
            }
            assertTrue(schemas.containsAll(List.of("information_schema", "pg_catalog", "public")), schemas.toString());
            List<String> sorted = new ArrayList<>(schemas);
            sorted.sort(null);
            assertEquals(sorted, schemas);

            // getPrimaryKeys: "COLUMN_NAME KEY_SEQ PK_NAME"
            assertEquals(List.of("id 1 " + t + "_pkey"), primaryKeys(md, t));
            assertEquals(List.of("a 1 " + pk2 + "_pkey", "b 2 " + pk2 + "_pkey"), primaryKeys(md, pk2));
        }
    }

    @Test
    void commentsAreRemarks() throws SQLException {
        String t = table("remarks");
        try (Connection c = connect()) {
            recreate(c, t, "(id INT, name VARCHAR(20))");
            try (Statement s = c.createStatement()) {
                s.execute("COMMENT ON TABLE " + t + " IS 'Customers, one row each'");
                s.execute("COMMENT ON COLUMN " + t + ".name IS 'Full name'");
            }
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getTables(null, "public", t, null)) {
                assertTrue(rs.next());
                assertEquals("Customers, one row each", rs.getString("REMARKS"));
            }
            List<String> remarks = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, "public", t, null)) {
                while (rs.next()) {
                    remarks.add(rs.getString("COLUMN_NAME") + "=" + rs.getString("REMARKS"));
                }
            }
            assertEquals(List.of("id=null", "name=Full name"), remarks);
        }
    }

    private static List<String> primaryKeys(DatabaseMetaData md, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = md.getPrimaryKeys(null, "public", table)) {
            while (rs.next()) {
                assertEquals("public", rs.getString("TABLE_SCHEM"));
                assertEquals(table, rs.getString("TABLE_NAME"));
                out.add(rs.getString("COLUMN_NAME") + " " + rs.getInt("KEY_SEQ") + " " + rs.getString("PK_NAME"));
            }
        }
        return out;
    }
}
