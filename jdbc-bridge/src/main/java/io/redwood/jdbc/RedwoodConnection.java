package io.redwood.jdbc;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;

/**
 * A connection over the client API: embedded or remote, as its URL says. Statements on it run one
 * at a time (a second thread waits); {@link Statement#cancel()} works from any thread. With
 * autocommit off, the first statement after a commit or rollback opens a transaction (BEGIN).
 * Redwood's transactions are SERIALIZABLE, as Redshift's; savepoints work within them.
 */
final class RedwoodConnection implements Connection {
    /** PostgreSQL's no_active_sql_transaction. */
    private static final String NO_TRANSACTION_BLOCK = "25P01";
    private final String url;
    private final NativeHandle connection;
    private final NativeHandle cancel;
    /** Open statements, to close with the connection; weak, so that dropped ones can be collected. */
    private final Set<RedwoodStatement> statements = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final Properties clientInfo = new Properties();
    private volatile boolean closed;
    private boolean autoCommit = true;
    private boolean inTransaction;
    private boolean readOnly;
    private int networkTimeoutMillis;
    /** Unnamed savepoints made so far: the next one's number. */
    private int savepoints;
    private SQLWarning warnings;

    private RedwoodConnection(String url, long connection, long cancel) {
        this.url = url;
        this.connection = new NativeHandle(connection, Native::closeConnection, "connection");
        this.cancel = new NativeHandle(cancel, Native::freeCancelHandle, "connection");
    }

    static RedwoodConnection open(String url, ConnectionUrl parsed) throws SQLException {
        long handle = Native.open(Native.utf8(parsed.target), Native.utf8(parsed.user), Native.utf8(parsed.password));
        long cancel;
        try {
            cancel = Native.cancelHandle(handle);
        } catch (SQLException e) {
            Native.closeConnection(handle);
            throw e;
        }
        RedwoodConnection opened = new RedwoodConnection(url, handle, cancel);
        for (String name : parsed.ignored) {
            opened.addWarning(new SQLWarning("Unknown connection property \"" + name + "\" ignored: Redwood knows "
                    + String.join(", ", new java.util.TreeSet<>(ConnectionUrl.PROPERTIES)) + ".", "01000"));
        }
        return opened;
    }

    String url() {
        return url;
    }

    /** Runs a native call on the connection (waiting for another thread's to end). */
    <T> T use(NativeHandle.Call<T> call) throws SQLException {
        return connection.use(call);
    }

    /** Cancels the statement running on this connection, if any (from any thread). */
    void cancelRunning() {
        try {
            cancel.use(handle -> {
                Native.cancel(handle);
                return null;
            });
        } catch (SQLException ignored) {
            // Closed meanwhile: nothing runs.
        }
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw Errors.closed("connection");
        }
    }

    /** With autocommit off, opens the transaction the next statement runs in. */
    void beginIfNeeded() throws SQLException {
        if (!autoCommit && !inTransaction) {
            command("BEGIN");
            inTransaction = true;
        }
    }

    /** Runs SQL of the driver's own and drops its result. */
    private void command(String sql) throws SQLException {
        checkOpen();
        byte[] text = Native.utf8(sql);
        connection.use(handle -> {
            Native.freeResult(Native.execute(handle, text));
            return null;
        });
    }

    /** The single value of a query of the driver's own. */
    private String scalar(String sql) throws SQLException {
        try (Statement statement = createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    void addWarning(SQLWarning warning) {
        if (warnings == null) {
            warnings = warning;
        } else {
            warnings.setNextWarning(warning);
        }
    }

    void statementClosed(RedwoodStatement statement) {
        statements.remove(statement);
    }

    private <S extends RedwoodStatement> S track(S statement) {
        statements.add(statement);
        return statement;
    }

    private void checkResultSetKind(int type, int concurrency) {
        if (type != ResultSet.TYPE_FORWARD_ONLY || concurrency != ResultSet.CONCUR_READ_ONLY) {
            addWarning(new SQLWarning("Redwood's result sets are TYPE_FORWARD_ONLY and CONCUR_READ_ONLY: the statement was made so.", "01000"));
        }
    }

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return track(new RedwoodStatement(this));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        checkResultSetKind(resultSetType, resultSetConcurrency);
        return createStatement();
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return createStatement(resultSetType, resultSetConcurrency);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return track(new RedwoodPreparedStatement(this, sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        checkResultSetKind(resultSetType, resultSetConcurrency);
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return prepareStatement(sql, resultSetType, resultSetConcurrency);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        if (autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS) {
            throw Errors.notSupported("Returning generated keys");
        }
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        throw Errors.notSupported("Returning generated keys");
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        throw Errors.notSupported("Returning generated keys");
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        throw Errors.notSupported("CallableStatement");
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        throw Errors.notSupported("CallableStatement");
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        throw Errors.notSupported("CallableStatement");
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkOpen();
        return sql;
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (autoCommit && !this.autoCommit && inTransaction) {
            // JDBC: switching autocommit on commits the transaction in progress.
            command("COMMIT");
            inTransaction = false;
        }
        this.autoCommit = autoCommit;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        endTransaction("COMMIT", "commit");
    }

    @Override
    public void rollback() throws SQLException {
        endTransaction("ROLLBACK", "rollback");
    }

    private void endTransaction(String sql, String verb) throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw Errors.of(Errors.NO_ACTIVE_TRANSACTION, "Cannot " + verb + " when autoCommit is enabled.");
        }
        if (inTransaction) {
            inTransaction = false;
            command(sql);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RedwoodStatement> open;
        synchronized (statements) {
            open = new ArrayList<>(statements);
        }
        for (RedwoodStatement statement : open) {
            statement.closeQuietly();
        }
        cancel.close();
        // An open transaction is rolled back as the session ends.
        connection.close();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new RedwoodDatabaseMetaData(this, url);
    }

    /**
     * Read-only transactions refuse writes (25006). The session's default changes, so that
     * autocommit statements are read-only too, as with pgJDBC's readOnlyMode=always.
     */
    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (inTransaction) {
            throw Errors.of("25001", "Cannot change transaction read-only property in the middle of a transaction.");
        }
        if (readOnly != this.readOnly) {
            command("SET default_transaction_read_only = " + (readOnly ? "on" : "off"));
            this.readOnly = readOnly;
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    /** Redwood has one database per connection: the catalog cannot change (ignored, as pgJDBC does). */
    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return scalar("SELECT current_database()");
    }

    /** Every level runs as SERIALIZABLE, Redshift's only level; asking for another one adds a warning. */
    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        if (level != TRANSACTION_SERIALIZABLE) {
            addWarning(new SQLWarning("Redwood runs every transaction SERIALIZABLE: isolation level " + level + " was raised to it.", "01000"));
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return TRANSACTION_SERIALIZABLE;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return warnings;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        warnings = null;
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return Collections.emptyMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        if (map != null && !map.isEmpty()) {
            throw Errors.notSupported("Custom type maps");
        }
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        if (holdability == ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            addWarning(new SQLWarning("Redwood's result sets stay open over COMMIT: holdability stays HOLD_CURSORS_OVER_COMMIT.", "01000"));
        } else if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT) {
            throw Errors.of("22023", "Unknown result set holdability " + holdability);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return savepoint(new RedwoodSavepoint(++savepoints, null));
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        if (name == null || name.isEmpty()) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "A savepoint needs a name.");
        }
        return savepoint(new RedwoodSavepoint(0, name));
    }

    private Savepoint savepoint(RedwoodSavepoint savepoint) throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw Errors.of(NO_TRANSACTION_BLOCK, "Cannot establish a savepoint in auto-commit mode.");
        }
        beginIfNeeded();
        command("SAVEPOINT " + savepoint.sqlName());
        return savepoint;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        command("ROLLBACK TO SAVEPOINT " + ours(savepoint).sqlName());
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        command("RELEASE SAVEPOINT " + ours(savepoint).sqlName());
    }

    private RedwoodSavepoint ours(Savepoint savepoint) throws SQLException {
        checkOpen();
        if (!(savepoint instanceof RedwoodSavepoint)) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "Not a savepoint of Redwood's driver: " + savepoint);
        }
        if (autoCommit || !inTransaction) {
            throw Errors.of(NO_TRANSACTION_BLOCK, "Cannot use a savepoint outside a transaction (autocommit, or after commit or rollback).");
        }
        return (RedwoodSavepoint) savepoint;
    }

    @Override
    public Clob createClob() throws SQLException {
        throw Errors.notSupported("Clob");
    }

    @Override
    public Blob createBlob() throws SQLException {
        throw Errors.notSupported("Blob");
    }

    @Override
    public NClob createNClob() throws SQLException {
        throw Errors.notSupported("NClob");
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        throw Errors.notSupported("SQLXML");
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        throw Errors.notSupported("createArrayOf");
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        throw Errors.notSupported("createStruct");
    }

    /** Runs a trivial query: false once closed or when the session fails or times out. */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "Invalid timeout (" + timeout + "<0).");
        }
        if (closed) {
            return false;
        }
        try (Statement statement = createStatement()) {
            statement.setQueryTimeout(timeout);
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        clientInfo.clear();
        if (properties != null) {
            clientInfo.putAll(properties);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties copy = new Properties();
        copy.putAll(clientInfo);
        return copy;
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        command("SET search_path TO \"" + schema.replace("\"", "\"\"") + "\"");
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return scalar("SELECT current_schema()");
    }

    /** Cancels what runs and closes the connection without waiting for it. */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "abort needs an executor");
        }
        if (closed) {
            return;
        }
        cancelRunning();
        executor.execute(this::close);
    }

    /** Kept for tools that set it; statements are bounded by setQueryTimeout. */
    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "Network timeout must be a value greater than or equal to 0.");
        }
        networkTimeoutMillis = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeoutMillis;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "Cannot unwrap to " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
