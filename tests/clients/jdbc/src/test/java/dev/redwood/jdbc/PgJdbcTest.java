package dev.redwood.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** pgJDBC (org.postgresql:postgresql 42.7.x) against `redwood serve`. */
class PgJdbcTest extends DriverContract {

    @Override
    protected String url() {
        return "jdbc:postgresql://" + Redwood.host() + ":" + Redwood.port() + "/" + Redwood.database() + "?sslmode=disable";
    }

    @Override
    protected String prefix() {
        return "pgj";
    }

    @Override
    protected String productName() {
        return "PostgreSQL";
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** prepareThreshold=-1: named server-side statements from the first execution, binary transfer of results. */
    @Test
    void typedRoundTripServerPreparedBinary() throws SQLException {
        try (Connection c = connect(props("prepareThreshold", "-1"))) {
            typedRoundTrip(c, table("types_binary"));
        }
    }

    /** preferQueryMode=simple: parameters are interpolated by the driver and sent as simple Query messages. */
    @Test
    void typedRoundTripSimpleQueryMode() throws SQLException {
        try (Connection c = connect(props("preferQueryMode", "simple"))) {
            typedRoundTrip(c, table("types_simple"));
        }
    }

    /** reWriteBatchedInserts=true: the driver rewrites the batch into multi-row INSERT ... VALUES. */
    @Test
    void rewrittenBatchInserts() throws SQLException {
        String t = table("batch_rewrite");
        try (Connection c = connect(props("reWriteBatchedInserts", "true"))) {
            recreate(c, t, "(id INT, name VARCHAR(20))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, name) VALUES (?, ?)")) {
                for (int i = 1; i <= 100; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "r" + i);
                    ps.addBatch();
                }
                int[] expected = new int[100];
                Arrays.fill(expected, Statement.SUCCESS_NO_INFO);
                assertArrayEquals(expected, ps.executeBatch());
            }
            assertEquals(100, scalarLong(c, "SELECT count(*) FROM " + t));
            assertEquals(5050, scalarLong(c, "SELECT sum(id) FROM " + t));
        }
    }
}
