package io.redwood.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Calendar;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A forward-only, read-only result: rows stream from the native result a batch at a time (at most
 * the fetch size; {@link #DEFAULT_FETCH_ROWS} when none is set), and the getters read the current
 * batch's arrays. Update methods throw SQLFeatureNotSupportedException ({@link ReadOnlyResultSet}).
 */
final class RedwoodResultSet extends ReadOnlyResultSet {
    /** Rows per batch when no fetch size is set: the engine's own batch size. */
    static final int DEFAULT_FETCH_ROWS = 8192;

    private final RedwoodStatement statement;
    private final NativeHandle result;
    private final Column[] columns;
    /** Rows this result may return (0: all), from Statement.setMaxRows. */
    private final long maxRows;
    private int fetchSize;
    private Batch batch;
    private int row = -1;
    private long rowsRead;
    private boolean afterLast;
    private boolean closed;
    private boolean wasNull;
    private Map<String, Integer> columnsByLabel;

    /** Takes over {@code result}; {@code first} is its first batch, read already (or null: none). */
    RedwoodResultSet(RedwoodStatement statement, NativeHandle result, Column[] columns, Batch first, int fetchSize, long maxRows) {
        this.statement = statement;
        this.result = result;
        this.columns = columns;
        this.batch = first;
        this.afterLast = false;
        this.fetchSize = fetchSize;
        this.maxRows = maxRows;
    }

    /** Reads the next batch of a result (null after the last). */
    static Batch fetch(NativeHandle result, int fetchSize) throws SQLException {
        Object[] arrays = result.use(handle -> Native.nextBatch(handle, fetchSize > 0 ? fetchSize : DEFAULT_FETCH_ROWS));
        return arrays == null ? null : new Batch(arrays);
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw Errors.closed("ResultSet");
        }
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (afterLast) {
            return false;
        }
        if (maxRows > 0 && rowsRead >= maxRows) {
            return finish();
        }
        row++;
        while (batch == null || row >= batch.rows) {
            Batch next = fetch(result, fetchSize);
            if (next == null) {
                return finish();
            }
            batch = next;
            row = 0;
        }
        rowsRead++;
        return true;
    }

    /** After the last row: the native result is freed at once. */
    private boolean finish() {
        afterLast = true;
        batch = null;
        result.close();
        return false;
    }

    @Override
    public void close() throws SQLException {
        if (!closed) {
            closed = true;
            batch = null;
            result.close();
            statement.resultClosed(this);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    /** The 0-based column of a 1-based index, with the current row present; sets wasNull. */
    private int cell(int columnIndex) throws SQLException {
        checkOpen();
        if (columnIndex < 1 || columnIndex > columns.length) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE,
                    "The column index is out of range: " + columnIndex + ", number of columns: " + columns.length + ".");
        }
        if (batch == null || row < 0 || afterLast) {
            throw Errors.of(Errors.INVALID_CURSOR_STATE, afterLast
                    ? "ResultSet is positioned after the last row: there is no current row."
                    : "ResultSet not positioned properly, perhaps you need to call next.");
        }
        int c = columnIndex - 1;
        wasNull = batch.isNull(c, row);
        return c;
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        checkOpen();
        if (columnsByLabel == null) {
            Map<String, Integer> byLabel = new HashMap<>();
            for (int i = columns.length - 1; i >= 0; i--) {
                byLabel.put(columns[i].name.toLowerCase(Locale.ROOT), i + 1);
            }
            columnsByLabel = byLabel;
        }
        Integer index = columnLabel == null ? null : columnsByLabel.get(columnLabel.toLowerCase(Locale.ROOT));
        if (index == null) {
            throw Errors.of(Errors.UNDEFINED_COLUMN, "The column name " + columnLabel + " was not found in this ResultSet.");
        }
        return index;
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? null : Conversions.string(columns[c], batch, c, row);
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        return !wasNull && Conversions.bool(columns[c], batch, c, row);
    }

    private long integral(int columnIndex, long min, long max, String type) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? 0 : Conversions.exactLong(columns[c], batch, c, row, min, max, type);
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        return (byte) integral(columnIndex, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        return (short) integral(columnIndex, Short.MIN_VALUE, Short.MAX_VALUE, "short");
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        if (wasNull) {
            return 0;
        }
        Object values = batch.values(c);
        if (values instanceof int[] && columns[c].kind != ColumnKind.DATE) {
            return ((int[]) values)[row];
        }
        return (int) Conversions.exactLong(columns[c], batch, c, row, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        if (wasNull) {
            return 0;
        }
        Object values = batch.values(c);
        if (values instanceof long[] && columns[c].kind == ColumnKind.BIGINT) {
            return ((long[]) values)[row];
        }
        return Conversions.exactLong(columns[c], batch, c, row, Long.MIN_VALUE, Long.MAX_VALUE, "long");
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        return (float) getDouble(columnIndex);
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? 0 : Conversions.doubleValue(columns[c], batch, c, row);
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? null : Conversions.decimal(columns[c], batch, c, row);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        BigDecimal value = getBigDecimal(columnIndex);
        return value == null ? null : value.setScale(scale, RoundingMode.HALF_UP);
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? null : Conversions.bytes(columns[c], batch, c, row);
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        return getDate(columnIndex, null);
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? null : Conversions.date(columns[c], batch, c, row, cal);
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        return getTime(columnIndex, null);
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? null : Conversions.time(columns[c], batch, c, row, cal);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        return getTimestamp(columnIndex, null);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? null : Conversions.timestamp(columns[c], batch, c, row, cal);
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        int c = cell(columnIndex);
        return wasNull ? null : Conversions.object(columns[c], batch, c, row);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        if (type == null) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "getObject needs a class");
        }
        int c = cell(columnIndex);
        if (wasNull) {
            return null;
        }
        Column column = columns[c];
        Object value;
        if (type == String.class) {
            value = Conversions.string(column, batch, c, row);
        } else if (type == Integer.class) {
            value = (int) Conversions.exactLong(column, batch, c, row, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
        } else if (type == Long.class) {
            value = Conversions.exactLong(column, batch, c, row, Long.MIN_VALUE, Long.MAX_VALUE, "long");
        } else if (type == Short.class) {
            value = (short) Conversions.exactLong(column, batch, c, row, Short.MIN_VALUE, Short.MAX_VALUE, "short");
        } else if (type == Byte.class) {
            value = (byte) Conversions.exactLong(column, batch, c, row, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
        } else if (type == Boolean.class) {
            value = Conversions.bool(column, batch, c, row);
        } else if (type == Double.class) {
            value = Conversions.doubleValue(column, batch, c, row);
        } else if (type == Float.class) {
            value = (float) Conversions.doubleValue(column, batch, c, row);
        } else if (type == BigDecimal.class) {
            value = Conversions.decimal(column, batch, c, row);
        } else if (type == java.math.BigInteger.class) {
            value = Conversions.decimal(column, batch, c, row).toBigInteger();
        } else if (type == LocalDate.class) {
            value = Conversions.localDate(column, batch, c, row);
        } else if (type == LocalDateTime.class) {
            value = Conversions.localDateTime(column, batch, c, row);
        } else if (type == LocalTime.class) {
            value = Conversions.localTime(column, batch, c, row);
        } else if (type == OffsetDateTime.class) {
            value = Conversions.offsetDateTime(column, batch, c, row);
        } else if (type == java.time.Instant.class) {
            value = Conversions.offsetDateTime(column, batch, c, row).toInstant();
        } else if (type == Date.class) {
            value = Conversions.date(column, batch, c, row, null);
        } else if (type == Time.class) {
            value = Conversions.time(column, batch, c, row, null);
        } else if (type == Timestamp.class) {
            value = Conversions.timestamp(column, batch, c, row, null);
        } else if (type == byte[].class) {
            value = Conversions.bytes(column, batch, c, row);
        } else if (type == Object.class) {
            value = Conversions.object(column, batch, c, row);
        } else {
            throw Errors.of(Errors.INVALID_PARAMETER_TYPE, "Cannot convert the column of type " + column.kind.typeName
                    + " to the requested type " + type.getName() + ".");
        }
        return type.cast(value);
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return getObject(columnIndex);
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        String value = getString(columnIndex);
        return value == null ? null : new ByteArrayInputStream(value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        String value = getString(columnIndex);
        return value == null ? null : new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        byte[] value = getBytes(columnIndex);
        return value == null ? null : new ByteArrayInputStream(value);
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        String value = getString(columnIndex);
        return value == null ? null : new StringReader(value);
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        return getCharacterStream(columnIndex);
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        return getString(columnIndex);
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        String value = getString(columnIndex);
        try {
            return value == null ? null : new URL(value);
        } catch (java.net.MalformedURLException e) {
            throw Conversions.badValue(value, "URL");
        }
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        throw Errors.notSupported("getRef");
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        throw Errors.notSupported("getBlob");
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        throw Errors.notSupported("getClob");
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        throw Errors.notSupported("getNClob");
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        throw Errors.notSupported("getArray (arrays are read as text with getString)");
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        throw Errors.notSupported("getRowId");
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        throw Errors.notSupported("getSQLXML");
    }

    // ------------------------------------------------------------ by label

    @Override public String getString(String label) throws SQLException { return getString(findColumn(label)); }
    @Override public boolean getBoolean(String label) throws SQLException { return getBoolean(findColumn(label)); }
    @Override public byte getByte(String label) throws SQLException { return getByte(findColumn(label)); }
    @Override public short getShort(String label) throws SQLException { return getShort(findColumn(label)); }
    @Override public int getInt(String label) throws SQLException { return getInt(findColumn(label)); }
    @Override public long getLong(String label) throws SQLException { return getLong(findColumn(label)); }
    @Override public float getFloat(String label) throws SQLException { return getFloat(findColumn(label)); }
    @Override public double getDouble(String label) throws SQLException { return getDouble(findColumn(label)); }
    @Override @Deprecated public BigDecimal getBigDecimal(String label, int scale) throws SQLException { return getBigDecimal(findColumn(label), scale); }
    @Override public BigDecimal getBigDecimal(String label) throws SQLException { return getBigDecimal(findColumn(label)); }
    @Override public byte[] getBytes(String label) throws SQLException { return getBytes(findColumn(label)); }
    @Override public Date getDate(String label) throws SQLException { return getDate(findColumn(label)); }
    @Override public Date getDate(String label, Calendar cal) throws SQLException { return getDate(findColumn(label), cal); }
    @Override public Time getTime(String label) throws SQLException { return getTime(findColumn(label)); }
    @Override public Time getTime(String label, Calendar cal) throws SQLException { return getTime(findColumn(label), cal); }
    @Override public Timestamp getTimestamp(String label) throws SQLException { return getTimestamp(findColumn(label)); }
    @Override public Timestamp getTimestamp(String label, Calendar cal) throws SQLException { return getTimestamp(findColumn(label), cal); }
    @Override public InputStream getAsciiStream(String label) throws SQLException { return getAsciiStream(findColumn(label)); }
    @Override @Deprecated public InputStream getUnicodeStream(String label) throws SQLException { return getUnicodeStream(findColumn(label)); }
    @Override public InputStream getBinaryStream(String label) throws SQLException { return getBinaryStream(findColumn(label)); }
    @Override public Reader getCharacterStream(String label) throws SQLException { return getCharacterStream(findColumn(label)); }
    @Override public Reader getNCharacterStream(String label) throws SQLException { return getNCharacterStream(findColumn(label)); }
    @Override public String getNString(String label) throws SQLException { return getNString(findColumn(label)); }
    @Override public Object getObject(String label) throws SQLException { return getObject(findColumn(label)); }
    @Override public <T> T getObject(String label, Class<T> type) throws SQLException { return getObject(findColumn(label), type); }
    @Override public Object getObject(String label, Map<String, Class<?>> map) throws SQLException { return getObject(findColumn(label), map); }
    @Override public URL getURL(String label) throws SQLException { return getURL(findColumn(label)); }
    @Override public Ref getRef(String label) throws SQLException { return getRef(findColumn(label)); }
    @Override public Blob getBlob(String label) throws SQLException { return getBlob(findColumn(label)); }
    @Override public Clob getClob(String label) throws SQLException { return getClob(findColumn(label)); }
    @Override public NClob getNClob(String label) throws SQLException { return getNClob(findColumn(label)); }
    @Override public Array getArray(String label) throws SQLException { return getArray(findColumn(label)); }
    @Override public RowId getRowId(String label) throws SQLException { return getRowId(findColumn(label)); }
    @Override public SQLXML getSQLXML(String label) throws SQLException { return getSQLXML(findColumn(label)); }

    // ------------------------------------------------------------ cursor and properties

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return new RedwoodResultSetMetaData(columns);
    }

    @Override
    public Statement getStatement() throws SQLException {
        checkOpen();
        return statement;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        return rowsRead == 0 && !afterLast && (batch != null || !result.isClosed());
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return afterLast && rowsRead > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return rowsRead == 1 && !afterLast;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return afterLast ? 0 : (int) rowsRead;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD) {
            throw forwardOnly();
        }
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "Fetch size must be a value greater than or equal to 0.");
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    @Override
    public String getCursorName() throws SQLException {
        throw Errors.notSupported("getCursorName");
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return HOLD_CURSORS_OVER_COMMIT;
    }
}
