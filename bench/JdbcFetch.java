import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * JDBC fetch benchmark (see bench/jdbc-fetch): runs {@code SELECT * FROM lineitem} RUNS times on one connection and
 * reads every column of every row; prints one JSON line with each run's seconds and the row count.
 *
 * <pre>java -cp CLASSES:DRIVER.jar JdbcFetch JDBC-URL USER PASSWORD RUNS</pre>
 *
 * USER and PASSWORD may be empty (the embedded {@code jdbc:redwood:DIR} takes none): then neither is passed to the
 * driver. The connection is opened before the first run; each run prepares the statement, executes it, reads the
 * rows and commits, and is timed whole. Autocommit is off and the fetch size 10000, as pgJDBC needs to stream (a
 * cursor of 10000 rows a round trip, not the whole result in memory; its URL also carries defaultRowFetchSize).
 *
 * <p>Values are read as a real application reads them (a RowMapper, an ORM, Spark's JDBC source): with the typed
 * getter of each column's type, chosen once from ResultSetMetaData (getLong, getInt, getBigDecimal, getString,
 * getDate, ...; getObject only for types without one), checking wasNull after the primitive ones. Each value is used
 * (summed into a checksum, of the last run, that the JSON line reports) so that no getter's work can be optimised
 * away; the checksum is the same for the same rows, whichever driver read them.
 */
public final class JdbcFetch {
    private static final String QUERY = "SELECT * FROM lineitem";
    private static final int FETCH_SIZE = 10_000;

    private enum Getter { LONG, INT, DOUBLE, FLOAT, BOOLEAN, DECIMAL, STRING, DATE, TIME, TIMESTAMP, OBJECT }

    private long checksum;
    private long nulls;

    public static void main(String[] args) throws SQLException {
        if (args.length != 4) {
            System.err.println("usage: JdbcFetch JDBC-URL USER PASSWORD RUNS");
            System.exit(2);
        }
        String url = args[0];
        int runs = Integer.parseInt(args[3]);
        Properties properties = new Properties();
        if (!args[1].isEmpty()) {
            properties.setProperty("user", args[1]);
        }
        if (!args[2].isEmpty()) {
            properties.setProperty("password", args[2]);
        }
        JdbcFetch bench = new JdbcFetch();
        List<Double> times = new ArrayList<>();
        long rows = -1;
        int columns = 0;
        String driver;
        try (Connection con = DriverManager.getConnection(url, properties)) {
            DatabaseMetaData meta = con.getMetaData();
            driver = meta.getDriverName() + " " + meta.getDriverVersion();
            con.setAutoCommit(false);
            for (int run = 0; run < runs; run++) {
                bench.checksum = 0;
                bench.nulls = 0;
                long start = System.nanoTime();
                long count = 0;
                try (PreparedStatement statement = con.prepareStatement(QUERY)) {
                    statement.setFetchSize(FETCH_SIZE);
                    try (ResultSet rs = statement.executeQuery()) {
                        Getter[] getters = getters(rs.getMetaData());
                        columns = getters.length;
                        while (rs.next()) {
                            bench.read(rs, getters);
                            count++;
                        }
                    }
                }
                con.commit();
                times.add((System.nanoTime() - start) / 1e9);
                if (rows >= 0 && rows != count) {
                    throw new IllegalStateException("run " + (run + 1) + " read " + count + " rows, run 1 " + rows);
                }
                rows = count;
            }
        }
        System.out.println("{\"times\": " + times + ", \"rows\": " + rows + ", \"columns\": " + columns
                + ", \"nulls\": " + bench.nulls + ", \"checksum\": " + bench.checksum
                + ", \"driver\": " + quote(driver) + ", \"java\": " + quote(System.getProperty("java.version")) + "}");
    }

    private static Getter[] getters(ResultSetMetaData meta) throws SQLException {
        Getter[] getters = new Getter[meta.getColumnCount()];
        for (int i = 0; i < getters.length; i++) {
            switch (meta.getColumnType(i + 1)) {
                case Types.BIGINT: getters[i] = Getter.LONG; break;
                case Types.INTEGER: case Types.SMALLINT: case Types.TINYINT: getters[i] = Getter.INT; break;
                case Types.DOUBLE: case Types.FLOAT: getters[i] = Getter.DOUBLE; break;
                case Types.REAL: getters[i] = Getter.FLOAT; break;
                case Types.BOOLEAN: case Types.BIT: getters[i] = Getter.BOOLEAN; break;
                case Types.DECIMAL: case Types.NUMERIC: getters[i] = Getter.DECIMAL; break;
                case Types.CHAR: case Types.VARCHAR: case Types.LONGVARCHAR:
                case Types.NCHAR: case Types.NVARCHAR: case Types.LONGNVARCHAR: getters[i] = Getter.STRING; break;
                case Types.DATE: getters[i] = Getter.DATE; break;
                case Types.TIME: case Types.TIME_WITH_TIMEZONE: getters[i] = Getter.TIME; break;
                case Types.TIMESTAMP: case Types.TIMESTAMP_WITH_TIMEZONE: getters[i] = Getter.TIMESTAMP; break;
                default: getters[i] = Getter.OBJECT;
            }
        }
        return getters;
    }

    private void read(ResultSet rs, Getter[] getters) throws SQLException {
        for (int i = 0; i < getters.length; i++) {
            int column = i + 1;
            switch (getters[i]) {
                case LONG: {
                    long v = rs.getLong(column);
                    if (rs.wasNull()) nulls++; else checksum += v;
                    break;
                }
                case INT: {
                    int v = rs.getInt(column);
                    if (rs.wasNull()) nulls++; else checksum += v;
                    break;
                }
                case DOUBLE: {
                    double v = rs.getDouble(column);
                    if (rs.wasNull()) nulls++; else checksum += (long) v;
                    break;
                }
                case FLOAT: {
                    float v = rs.getFloat(column);
                    if (rs.wasNull()) nulls++; else checksum += (long) v;
                    break;
                }
                case BOOLEAN: {
                    boolean v = rs.getBoolean(column);
                    if (rs.wasNull()) nulls++; else checksum += v ? 1 : 0;
                    break;
                }
                case DECIMAL: {
                    BigDecimal v = rs.getBigDecimal(column);
                    if (v == null) nulls++; else checksum += v.unscaledValue().longValue();
                    break;
                }
                case STRING: {
                    String v = rs.getString(column);
                    if (v == null) nulls++; else checksum += v.length();
                    break;
                }
                case DATE: {
                    Date v = rs.getDate(column);
                    if (v == null) nulls++; else checksum += v.getTime() / 86_400_000L;
                    break;
                }
                case TIME: {
                    Time v = rs.getTime(column);
                    if (v == null) nulls++; else checksum += v.getTime() / 1000;
                    break;
                }
                case TIMESTAMP: {
                    Timestamp v = rs.getTimestamp(column);
                    if (v == null) nulls++; else checksum += v.getTime() / 1000;
                    break;
                }
                default: {
                    Object v = rs.getObject(column);
                    if (v == null) nulls++; else checksum += 1;
                }
            }
        }
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
