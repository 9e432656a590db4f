package io.redwood.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * A statement with {@code ?} parameters, prepared natively at its first execution with the types
 * its values declare (so that {@code SELECT ?} bound to an int returns an int) and prepared again
 * only when later values declare other types.
 */
final class RedwoodPreparedStatement extends RedwoodStatement implements PreparedStatement {
    private final String sql;
    private final byte[] sqlBytes;
    private final Parameters parameters;
    private NativeHandle prepared;
    /** The declared kinds {@link #prepared} was prepared with. */
    private int[] preparedKinds;
    private List<Parameters> batch;

    RedwoodPreparedStatement(RedwoodConnection connection, String sql) throws SQLException {
        super(connection);
        if (sql == null) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "No SQL given.");
        }
        this.sql = sql;
        this.sqlBytes = Native.utf8(sql);
        this.parameters = new Parameters(Native.countMarkers(sqlBytes));
    }

    /** The native statement, prepared for {@code values} (or, when null, with no declared types). */
    private NativeHandle prepared(Parameters values) throws SQLException {
        checkOpen();
        if (prepared != null && (values == null || values.fits(preparedKinds))) {
            return prepared;
        }
        int[] kinds = values == null ? new int[parameters.count()] : values.declaredKinds();
        long handle = connection.use(c -> Native.prepare(c, sqlBytes, kinds));
        release();
        prepared = new NativeHandle(handle, Native::freeStatement, "statement");
        preparedKinds = kinds;
        return prepared;
    }

    @Override
    void release() {
        if (prepared != null) {
            prepared.close();
            prepared = null;
        }
    }

    private boolean run(Parameters values) throws SQLException {
        checkOpen();
        values.checkAllSet();
        NativeHandle statement = prepared(values);
        return run(c -> statement.use(s -> Native.executePrepared(c, s, values.kinds, values.numbers, values.texts)));
    }

    @Override
    public boolean execute() throws SQLException {
        return run(parameters);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return requireRows(execute());
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) executeLargeUpdate();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return requireCount(execute());
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        parameters.checkAllSet();
        if (batch == null) {
            batch = new ArrayList<>();
        }
        batch.add(parameters.copy());
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch = null;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<Parameters> items = batch == null ? List.of() : batch;
        batch = null;
        return runBatch(items.size(), i -> run(items.get(i)));
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return Arrays.stream(executeLargeBatch()).mapToInt(count -> (int) count).toArray();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        Column[] columns = Column.fromNative(prepared(null).use(Native::statementColumns));
        return columns == null ? null : new RedwoodResultSetMetaData(columns);
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        return new RedwoodParameterMetaData(parameters.count());
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        parameters.clear();
    }

    // ------------------------------------------------------------ setters

    @Override
    public void setNull(int index, int sqlType) throws SQLException {
        checkOpen();
        parameters.setNull(index);
    }

    @Override
    public void setNull(int index, int sqlType, String typeName) throws SQLException {
        setNull(index, sqlType);
    }

    @Override
    public void setBoolean(int index, boolean x) throws SQLException {
        checkOpen();
        parameters.setBoolean(index, x);
    }

    @Override
    public void setByte(int index, byte x) throws SQLException {
        setLong(index, x);
    }

    @Override
    public void setShort(int index, short x) throws SQLException {
        setLong(index, x);
    }

    @Override
    public void setInt(int index, int x) throws SQLException {
        setLong(index, x);
    }

    @Override
    public void setLong(int index, long x) throws SQLException {
        checkOpen();
        parameters.setLong(index, x);
    }

    @Override
    public void setFloat(int index, float x) throws SQLException {
        checkOpen();
        parameters.setFloat(index, x);
    }

    @Override
    public void setDouble(int index, double x) throws SQLException {
        checkOpen();
        parameters.setDouble(index, x);
    }

    @Override
    public void setBigDecimal(int index, BigDecimal x) throws SQLException {
        checkOpen();
        parameters.setDecimal(index, x);
    }

    @Override
    public void setString(int index, String x) throws SQLException {
        checkOpen();
        parameters.setText(index, x);
    }

    @Override
    public void setNString(int index, String value) throws SQLException {
        setString(index, value);
    }

    @Override
    public void setDate(int index, Date x) throws SQLException {
        setDate(index, x, null);
    }

    @Override
    public void setDate(int index, Date x, Calendar cal) throws SQLException {
        checkOpen();
        parameters.setDate(index, x, cal);
    }

    @Override
    public void setTime(int index, Time x) throws SQLException {
        setTime(index, x, null);
    }

    @Override
    public void setTime(int index, Time x, Calendar cal) throws SQLException {
        checkOpen();
        parameters.setTime(index, x, cal);
    }

    @Override
    public void setTimestamp(int index, Timestamp x) throws SQLException {
        setTimestamp(index, x, null);
    }

    @Override
    public void setTimestamp(int index, Timestamp x, Calendar cal) throws SQLException {
        checkOpen();
        parameters.setTimestamp(index, x, cal);
    }

    @Override
    public void setObject(int index, Object x) throws SQLException {
        checkOpen();
        parameters.setObject(index, x);
    }

    @Override
    public void setObject(int index, Object x, int targetSqlType) throws SQLException {
        checkOpen();
        parameters.setObject(index, x, targetSqlType);
    }

    @Override
    public void setObject(int index, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        setObject(index, x, targetSqlType);
    }

    @Override
    public void setObject(int index, Object x, SQLType targetSqlType) throws SQLException {
        setObject(index, x, vendorType(targetSqlType));
    }

    @Override
    public void setObject(int index, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        setObject(index, x, vendorType(targetSqlType));
    }

    private static int vendorType(SQLType type) throws SQLException {
        if (type == null || type.getVendorTypeNumber() == null) {
            throw Errors.of(Errors.INVALID_PARAMETER_TYPE, "Unknown SQL type " + type);
        }
        return type.getVendorTypeNumber();
    }

    @Override
    public void setBytes(int index, byte[] x) throws SQLException {
        throw Errors.notSupported("Binary parameters (setBytes)");
    }

    @Override
    public void setAsciiStream(int index, InputStream x, int length) throws SQLException {
        throw Errors.notSupported("Stream parameters");
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int index, InputStream x, int length) throws SQLException {
        throw Errors.notSupported("Stream parameters");
    }

    @Override
    public void setBinaryStream(int index, InputStream x, int length) throws SQLException {
        throw Errors.notSupported("Stream parameters");
    }

    @Override
    public void setAsciiStream(int index, InputStream x, long length) throws SQLException {
        throw Errors.notSupported("Stream parameters");
    }

    @Override
    public void setBinaryStream(int index, InputStream x, long length) throws SQLException {
        throw Errors.notSupported("Stream parameters");
    }

    @Override
    public void setAsciiStream(int index, InputStream x) throws SQLException {
        throw Errors.notSupported("Stream parameters");
    }

    @Override
    public void setBinaryStream(int index, InputStream x) throws SQLException {
        throw Errors.notSupported("Stream parameters");
    }

    @Override
    public void setCharacterStream(int index, Reader reader, int length) throws SQLException {
        setCharacterStream(index, reader);
    }

    @Override
    public void setCharacterStream(int index, Reader reader, long length) throws SQLException {
        setCharacterStream(index, reader);
    }

    /** Text from a reader: read whole (Redwood's text values are at most 64K, as Redshift's VARCHAR). */
    @Override
    public void setCharacterStream(int index, Reader reader) throws SQLException {
        checkOpen();
        if (reader == null) {
            parameters.setNull(index);
            return;
        }
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        try {
            for (int n; (n = reader.read(buffer)) > 0; ) {
                text.append(buffer, 0, n);
            }
        } catch (java.io.IOException e) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "Reading the character stream failed: " + e.getMessage());
        }
        parameters.setText(index, text.toString());
    }

    @Override
    public void setNCharacterStream(int index, Reader value, long length) throws SQLException {
        setCharacterStream(index, value);
    }

    @Override
    public void setNCharacterStream(int index, Reader value) throws SQLException {
        setCharacterStream(index, value);
    }

    @Override
    public void setRef(int index, Ref x) throws SQLException {
        throw Errors.notSupported("Ref parameters");
    }

    @Override
    public void setBlob(int index, Blob x) throws SQLException {
        throw Errors.notSupported("Blob parameters");
    }

    @Override
    public void setBlob(int index, InputStream inputStream, long length) throws SQLException {
        throw Errors.notSupported("Blob parameters");
    }

    @Override
    public void setBlob(int index, InputStream inputStream) throws SQLException {
        throw Errors.notSupported("Blob parameters");
    }

    @Override
    public void setClob(int index, Clob x) throws SQLException {
        throw Errors.notSupported("Clob parameters");
    }

    @Override
    public void setClob(int index, Reader reader, long length) throws SQLException {
        throw Errors.notSupported("Clob parameters");
    }

    @Override
    public void setClob(int index, Reader reader) throws SQLException {
        throw Errors.notSupported("Clob parameters");
    }

    @Override
    public void setNClob(int index, NClob value) throws SQLException {
        throw Errors.notSupported("NClob parameters");
    }

    @Override
    public void setNClob(int index, Reader reader, long length) throws SQLException {
        throw Errors.notSupported("NClob parameters");
    }

    @Override
    public void setNClob(int index, Reader reader) throws SQLException {
        throw Errors.notSupported("NClob parameters");
    }

    @Override
    public void setArray(int index, Array x) throws SQLException {
        throw Errors.notSupported("Array parameters");
    }

    @Override
    public void setURL(int index, URL x) throws SQLException {
        setString(index, x == null ? null : x.toString());
    }

    @Override
    public void setRowId(int index, RowId x) throws SQLException {
        throw Errors.notSupported("RowId parameters");
    }

    @Override
    public void setSQLXML(int index, SQLXML xmlObject) throws SQLException {
        throw Errors.notSupported("SQLXML parameters");
    }

    // ------------------------------------------------------------ SQL text methods: not on a PreparedStatement

    private static SQLException textMethod() {
        return Errors.of("42809", "Can't use query methods that take a query string on a PreparedStatement.");
    }

    @Override public boolean execute(String sql) throws SQLException { throw textMethod(); }
    @Override public ResultSet executeQuery(String sql) throws SQLException { throw textMethod(); }
    @Override public int executeUpdate(String sql) throws SQLException { throw textMethod(); }
    @Override public long executeLargeUpdate(String sql) throws SQLException { throw textMethod(); }
    @Override public void addBatch(String sql) throws SQLException { throw textMethod(); }
}
