package dev.redwood.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Amazon's Redshift JDBC driver (com.amazon.redshift:redshift-jdbc42 2.1.x) against `redwood serve`. */
class RedshiftJdbcTest extends DriverContract {

    @Override
    protected String url() {
        return "jdbc:redshift://" + Redwood.host() + ":" + Redwood.port() + "/" + Redwood.database() + "?ssl=false";
    }

    @Override
    protected String prefix() {
        return "rsj";
    }

    @Override
    protected String productName() {
        return "Redshift";
    }

    @Test
    void catalogsAreTheCurrentDatabase() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getCatalogs()) {
            List<String> catalogs = new ArrayList<>();
            while (rs.next()) {
                catalogs.add(rs.getString("TABLE_CAT"));
            }
            assertEquals(List.of("dev"), catalogs);
        }
    }

    /** Without the driver's fetch ring buffer (a reader thread), the fetch size goes to the server as Execute's row limit. */
    @Test
    void fetchSizeWithoutRingBuffer() throws SQLException {
        Properties props = new Properties();
        props.setProperty("enableFetchRingBuffer", "false");
        try (Connection c = connect(props)) {
            streamLargeResult(c, table("stream_no_ring"));
        }
    }
}
