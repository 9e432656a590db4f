package io.redwood.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's {@link DatabaseMetaData}: capabilities are constants, and every result set comes from the native
 * library ({@code Native.metadata}), which answers it from the client API's metadata contract (the catalog
 * queries every driver shares) shaped as pgJDBC shapes the same calls (PostgreSQL type names such as {@code int4}
 * and {@code varchar}, pgJDBC's type codes and column sizes). Name patterns are LIKE patterns with {@code \} as
 * the escape; a null pattern or catalog matches everything.
 */
final class RedwoodDatabaseMetaData implements DatabaseMetaData {
    private final Connection connection;
    private final String url;

    RedwoodDatabaseMetaData(Connection connection, String url) {
        this.connection = connection;
        this.url = url;
    }

    // ------------------------------------------------------------------ querying

    /**
     * The result of metadata call {@code call} (a method's name), which the native library answers from the
     * client API's metadata contract: the catalog queries, computed once for every driver, shaped as JDBC's
     * result. It runs on a statement of its own, closed with the result set.
     */
    private ResultSet metadata(String call, String... arguments) throws SQLException {
        byte[] name = Native.utf8(call);
        Object[] bytes = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            bytes[i] = Native.utf8(arguments[i]);
        }
        RedwoodStatement statement = (RedwoodStatement) connection.createStatement();
        try {
            statement.run(handle -> Native.metadata(handle, name, bytes));
            statement.closeOnCompletion();
            return statement.getResultSet();
        } catch (SQLException | RuntimeException e) {
            try {
                statement.close();
            } catch (SQLException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * No rows, with the given columns ("NAME TYPE, ..."): what the methods for objects Redwood does not have
     * (user-defined types, privileges, ...) return.
     */
    private ResultSet empty(String columns) throws SQLException {
        return metadata("empty", columns);
    }

    // ------------------------------------------------------------------ the database and the driver

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public String getURL() {
        return url;
    }

    @Override
    public String getUserName() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT current_user")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return connection.isReadOnly();
    }

    @Override
    public String getDatabaseProductName() {
        return DriverVersion.PRODUCT_NAME;
    }

    @Override
    public String getDatabaseProductVersion() {
        return DriverVersion.PRODUCT_VERSION;
    }

    @Override
    public int getDatabaseMajorVersion() {
        return versionPart(0);
    }

    @Override
    public int getDatabaseMinorVersion() {
        return versionPart(1);
    }

    private static int versionPart(int index) {
        String[] parts = DriverVersion.PRODUCT_VERSION.split("\\.");
        try {
            return index < parts.length ? Integer.parseInt(parts[index]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public String getDriverName() {
        return DriverVersion.NAME;
    }

    @Override
    public String getDriverVersion() {
        return DriverVersion.VERSION;
    }

    @Override
    public int getDriverMajorVersion() {
        return DriverVersion.MAJOR;
    }

    @Override
    public int getDriverMinorVersion() {
        return DriverVersion.MINOR;
    }

    @Override
    public int getJDBCMajorVersion() {
        return 4;
    }

    @Override
    public int getJDBCMinorVersion() {
        return 2;
    }

    // ------------------------------------------------------------------ SQL dialect

    @Override
    public boolean allProceduresAreCallable() {
        return true;
    }

    @Override
    public boolean allTablesAreSelectable() {
        return true;
    }

    /** NULL sorts after every value in ascending order, as in Redshift and PostgreSQL. */
    @Override
    public boolean nullsAreSortedHigh() {
        return true;
    }

    @Override
    public boolean nullsAreSortedLow() {
        return false;
    }

    @Override
    public boolean nullsAreSortedAtStart() {
        return false;
    }

    @Override
    public boolean nullsAreSortedAtEnd() {
        return false;
    }

    @Override
    public boolean usesLocalFiles() {
        return false;
    }

    @Override
    public boolean usesLocalFilePerTable() {
        return false;
    }

    @Override
    public boolean supportsMixedCaseIdentifiers() {
        return false;
    }

    @Override
    public boolean storesUpperCaseIdentifiers() {
        return false;
    }

    @Override
    public boolean storesLowerCaseIdentifiers() {
        return true;
    }

    @Override
    public boolean storesMixedCaseIdentifiers() {
        return false;
    }

    // Redshift folds quoted identifiers to lower case too (enable_case_sensitive_identifier is off).
    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() {
        return false;
    }

    @Override
    public boolean storesUpperCaseQuotedIdentifiers() {
        return false;
    }

    @Override
    public boolean storesLowerCaseQuotedIdentifiers() {
        return true;
    }

    @Override
    public boolean storesMixedCaseQuotedIdentifiers() {
        return false;
    }

    @Override
    public String getIdentifierQuoteString() {
        return "\"";
    }

    /** Redshift's reserved words that are not SQL:2003 keywords. */
    @Override
    public String getSQLKeywords() {
        return "AES128,AES256,ALLOWOVERWRITE,ANALYSE,ANALYZE,AZ64,BACKUP,BLANKSASNULL,BYTEDICT,BZIP2,CREDENTIALS,"
                + "CURRENT_USER_ID,DEFLATE,DEFRAG,DELTA,DELTA32K,DISABLE,DO,EMPTYASNULL,ENABLE,ENCODE,ENCRYPT,"
                + "ENCRYPTION,EXPLICIT,FREEZE,GLOBALDICT256,GLOBALDICT64K,GZIP,IGNORE,ILIKE,ISNULL,LIMIT,LUN,LUNS,"
                + "LZO,LZOP,MINUS,MOSTLY16,MOSTLY32,MOSTLY8,NOTNULL,OFF,OFFLINE,OFFSET,OID,PARALLEL,PERCENT,"
                + "PERMISSIONS,PIVOT,RAW,READRATIO,RECOVER,REJECTLOG,RESORT,RESPECT,RESTORE,SNAPSHOT,SYSDATE,TAG,"
                + "TDES,TEXT255,TEXT32K,TOP,TRUNCATECOLUMNS,UNPIVOT,VERBOSE,WALLET";
    }

    @Override
    public String getNumericFunctions() {
        return "ABS,ACOS,ASIN,ATAN,ATAN2,CEILING,COS,COT,DEGREES,EXP,FLOOR,LOG,LOG10,MOD,PI,POWER,RADIANS,ROUND,"
                + "SIGN,SIN,SQRT,TAN,TRUNCATE";
    }

    @Override
    public String getStringFunctions() {
        return "ASCII,CHAR,CONCAT,LCASE,LEFT,LENGTH,LTRIM,REPEAT,REPLACE,RTRIM,SPACE,SUBSTRING,UCASE";
    }

    @Override
    public String getSystemFunctions() {
        return "DATABASE,IFNULL,USER";
    }

    @Override
    public String getTimeDateFunctions() {
        return "CURDATE,CURTIME,DAYNAME,DAYOFMONTH,DAYOFWEEK,DAYOFYEAR,HOUR,MINUTE,MONTH,MONTHNAME,NOW,QUARTER,"
                + "SECOND,WEEK,YEAR,TIMESTAMPADD";
    }

    @Override
    public String getSearchStringEscape() {
        return "\\";
    }

    /** Redshift identifiers may also hold dollar signs (and multibyte UTF-8 characters). */
    @Override
    public String getExtraNameCharacters() {
        return "$";
    }

    @Override
    public boolean supportsAlterTableWithAddColumn() {
        return true;
    }

    @Override
    public boolean supportsAlterTableWithDropColumn() {
        return true;
    }

    @Override
    public boolean supportsColumnAliasing() {
        return true;
    }

    @Override
    public boolean nullPlusNonNullIsNull() {
        return true;
    }

    @Override
    public boolean supportsConvert() {
        return false;
    }

    @Override
    public boolean supportsConvert(int fromType, int toType) {
        return false;
    }

    @Override
    public boolean supportsTableCorrelationNames() {
        return true;
    }

    @Override
    public boolean supportsDifferentTableCorrelationNames() {
        return false;
    }

    @Override
    public boolean supportsExpressionsInOrderBy() {
        return true;
    }

    @Override
    public boolean supportsOrderByUnrelated() {
        return true;
    }

    @Override
    public boolean supportsGroupBy() {
        return true;
    }

    @Override
    public boolean supportsGroupByUnrelated() {
        return true;
    }

    @Override
    public boolean supportsGroupByBeyondSelect() {
        return true;
    }

    /** Redwood's LIKE takes no ESCAPE character but its default, the backslash. */
    @Override
    public boolean supportsLikeEscapeClause() {
        return false;
    }

    @Override
    public boolean supportsMultipleResultSets() {
        return false;
    }

    @Override
    public boolean supportsMultipleTransactions() {
        return true;
    }

    @Override
    public boolean supportsNonNullableColumns() {
        return true;
    }

    @Override
    public boolean supportsMinimumSQLGrammar() {
        return true;
    }

    @Override
    public boolean supportsCoreSQLGrammar() {
        return false;
    }

    @Override
    public boolean supportsExtendedSQLGrammar() {
        return false;
    }

    @Override
    public boolean supportsANSI92EntryLevelSQL() {
        return true;
    }

    @Override
    public boolean supportsANSI92IntermediateSQL() {
        return false;
    }

    @Override
    public boolean supportsANSI92FullSQL() {
        return false;
    }

    @Override
    public boolean supportsIntegrityEnhancementFacility() {
        return false;
    }

    @Override
    public boolean supportsOuterJoins() {
        return true;
    }

    @Override
    public boolean supportsFullOuterJoins() {
        return true;
    }

    @Override
    public boolean supportsLimitedOuterJoins() {
        return true;
    }

    @Override
    public String getSchemaTerm() {
        return "schema";
    }

    @Override
    public String getProcedureTerm() {
        return "procedure";
    }

    @Override
    public String getCatalogTerm() {
        return "database";
    }

    @Override
    public boolean isCatalogAtStart() {
        return true;
    }

    @Override
    public String getCatalogSeparator() {
        return ".";
    }

    @Override
    public boolean supportsSchemasInDataManipulation() {
        return true;
    }

    @Override
    public boolean supportsSchemasInProcedureCalls() {
        return true;
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() {
        return true;
    }

    /** Redshift has no CREATE INDEX. */
    @Override
    public boolean supportsSchemasInIndexDefinitions() {
        return false;
    }

    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() {
        return true;
    }

    @Override
    public boolean supportsCatalogsInDataManipulation() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInProcedureCalls() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInIndexDefinitions() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() {
        return false;
    }

    @Override
    public boolean supportsPositionedDelete() {
        return false;
    }

    @Override
    public boolean supportsPositionedUpdate() {
        return false;
    }

    @Override
    public boolean supportsSelectForUpdate() {
        return false;
    }

    @Override
    public boolean supportsStoredProcedures() {
        return false;
    }

    @Override
    public boolean supportsSubqueriesInComparisons() {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInExists() {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInIns() {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInQuantifieds() {
        return true;
    }

    @Override
    public boolean supportsCorrelatedSubqueries() {
        return true;
    }

    @Override
    public boolean supportsUnion() {
        return true;
    }

    @Override
    public boolean supportsUnionAll() {
        return true;
    }

    @Override
    public boolean supportsOpenCursorsAcrossCommit() {
        return false;
    }

    @Override
    public boolean supportsOpenCursorsAcrossRollback() {
        return false;
    }

    @Override
    public boolean supportsOpenStatementsAcrossCommit() {
        return true;
    }

    @Override
    public boolean supportsOpenStatementsAcrossRollback() {
        return true;
    }

    // ------------------------------------------------------------------ limits (0: none, or not known)

    /** Redshift's longest identifier, in bytes. */
    private static final int MAX_IDENTIFIER_LENGTH = 127;

    @Override
    public int getMaxBinaryLiteralLength() {
        return 0;
    }

    /** A VARCHAR's longest value. */
    @Override
    public int getMaxCharLiteralLength() {
        return 65535;
    }

    @Override
    public int getMaxColumnNameLength() {
        return MAX_IDENTIFIER_LENGTH;
    }

    @Override
    public int getMaxColumnsInGroupBy() {
        return 0;
    }

    @Override
    public int getMaxColumnsInIndex() {
        return 0;
    }

    @Override
    public int getMaxColumnsInOrderBy() {
        return 0;
    }

    @Override
    public int getMaxColumnsInSelect() {
        return 0;
    }

    /** Redshift's limit. */
    @Override
    public int getMaxColumnsInTable() {
        return 1600;
    }

    @Override
    public int getMaxConnections() {
        return 0;
    }

    @Override
    public int getMaxCursorNameLength() {
        return MAX_IDENTIFIER_LENGTH;
    }

    @Override
    public int getMaxIndexLength() {
        return 0;
    }

    @Override
    public int getMaxSchemaNameLength() {
        return MAX_IDENTIFIER_LENGTH;
    }

    @Override
    public int getMaxProcedureNameLength() {
        return MAX_IDENTIFIER_LENGTH;
    }

    @Override
    public int getMaxCatalogNameLength() {
        return MAX_IDENTIFIER_LENGTH;
    }

    @Override
    public int getMaxRowSize() {
        return 0;
    }

    @Override
    public boolean doesMaxRowSizeIncludeBlobs() {
        return false;
    }

    /** Redshift's limit on a statement's text: 16 MB. */
    @Override
    public int getMaxStatementLength() {
        return 16 * 1024 * 1024;
    }

    @Override
    public int getMaxStatements() {
        return 0;
    }

    @Override
    public int getMaxTableNameLength() {
        return MAX_IDENTIFIER_LENGTH;
    }

    @Override
    public int getMaxTablesInSelect() {
        return 0;
    }

    @Override
    public int getMaxUserNameLength() {
        return MAX_IDENTIFIER_LENGTH;
    }

    @Override
    public long getMaxLogicalLobSize() {
        return 0;
    }

    // ------------------------------------------------------------------ transactions and result sets

    /** Redshift runs every transaction SERIALIZABLE, and has no other level. */
    @Override
    public int getDefaultTransactionIsolation() {
        return Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    @Override
    public boolean supportsTransactionIsolationLevel(int level) {
        return level == Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() {
        return true;
    }

    @Override
    public boolean supportsDataManipulationTransactionsOnly() {
        return false;
    }

    @Override
    public boolean dataDefinitionCausesTransactionCommit() {
        return false;
    }

    @Override
    public boolean dataDefinitionIgnoredInTransactions() {
        return false;
    }

    @Override
    public boolean supportsResultSetType(int type) {
        return type == ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public boolean supportsResultSetConcurrency(int type, int concurrency) {
        return type == ResultSet.TYPE_FORWARD_ONLY && concurrency == ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public boolean ownUpdatesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean ownDeletesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean ownInsertsAreVisible(int type) {
        return false;
    }

    @Override
    public boolean othersUpdatesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean othersDeletesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean othersInsertsAreVisible(int type) {
        return false;
    }

    @Override
    public boolean updatesAreDetected(int type) {
        return false;
    }

    @Override
    public boolean deletesAreDetected(int type) {
        return false;
    }

    @Override
    public boolean insertsAreDetected(int type) {
        return false;
    }

    @Override
    public boolean supportsBatchUpdates() {
        return true;
    }

    @Override
    public boolean supportsSavepoints() {
        return false;
    }

    @Override
    public boolean supportsNamedParameters() {
        return false;
    }

    @Override
    public boolean supportsMultipleOpenResults() {
        return false;
    }

    @Override
    public boolean supportsGetGeneratedKeys() {
        return false;
    }

    @Override
    public boolean supportsResultSetHoldability(int holdability) {
        return holdability == ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public int getResultSetHoldability() {
        return ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public int getSQLStateType() {
        return sqlStateSQL;
    }

    @Override
    public boolean locatorsUpdateCopy() {
        return false;
    }

    @Override
    public boolean supportsStatementPooling() {
        return false;
    }

    @Override
    public RowIdLifetime getRowIdLifetime() {
        return RowIdLifetime.ROWID_UNSUPPORTED;
    }

    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() {
        return false;
    }

    @Override
    public boolean autoCommitFailureClosesAllResultSets() {
        return false;
    }

    @Override
    public boolean generatedKeyAlwaysReturned() {
        return false;
    }

    @Override
    public boolean supportsRefCursors() {
        return false;
    }

    @Override
    public boolean supportsSharding() {
        return false;
    }

    // ------------------------------------------------------------------ catalogs, schemas, tables, columns

    @Override
    public ResultSet getCatalogs() throws SQLException {
        return metadata("getCatalogs");
    }

    @Override
    public ResultSet getSchemas() throws SQLException {
        return getSchemas(null, null);
    }

    @Override
    public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
        return metadata("getSchemas", catalog, schemaPattern);
    }

    @Override
    public ResultSet getTableTypes() throws SQLException {
        return metadata("getTableTypes");
    }

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types)
            throws SQLException {
        List<String> arguments = new ArrayList<>(Arrays.asList(catalog, schemaPattern, tableNamePattern));
        if (types != null) {
            // "types given", then the types (null ones match nothing).
            arguments.add("");
            arguments.addAll(Arrays.asList(types));
        }
        return metadata("getTables", arguments.toArray(new String[0]));
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern,
            String columnNamePattern) throws SQLException {
        return metadata("getColumns", catalog, schemaPattern, tableNamePattern, columnNamePattern);
    }

    // ------------------------------------------------------------------ keys and indexes

    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        return metadata("getPrimaryKeys", catalog, schema, table);
    }

    /** The primary key's index: the only index Redwood's catalog has, unique by nature. */
    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
            throws SQLException {
        return metadata("getIndexInfo", catalog, schema, table);
    }

    /** The primary key's columns, which identify a row for as long as the session lasts. */
    @Override
    public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope, boolean nullable)
            throws SQLException {
        return metadata("getBestRowIdentifier", catalog, schema, table);
    }

    // Redwood's pg_constraint records a foreign key's own columns but not the table and columns it references
    // (confrelid is 0, confkey NULL): the contract has no pair of key columns to report yet.
    @Override
    public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
        return metadata("getImportedKeys", catalog, schema, table);
    }

    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        return metadata("getExportedKeys", catalog, schema, table);
    }

    @Override
    public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
            String foreignCatalog, String foreignSchema, String foreignTable) throws SQLException {
        return metadata("getCrossReference", parentCatalog, parentSchema, parentTable, foreignCatalog, foreignSchema,
                foreignTable);
    }

    @Override
    public ResultSet getVersionColumns(String catalog, String schema, String table) throws SQLException {
        return empty("SCOPE SMALLINT, COLUMN_NAME VARCHAR, DATA_TYPE INT, TYPE_NAME VARCHAR, COLUMN_SIZE INT,"
                + " BUFFER_LENGTH INT, DECIMAL_DIGITS SMALLINT, PSEUDO_COLUMN SMALLINT");
    }

    // ------------------------------------------------------------------ types

    /**
     * The types a Redwood column can have (pg_type lists all of PostgreSQL's), with Redshift's limits: VARCHAR
     * up to 65535 bytes, CHAR up to 4096, NUMERIC up to 38 digits.
     */
    @Override
    public ResultSet getTypeInfo() throws SQLException {
        return metadata("getTypeInfo");
    }

    @Override
    public ResultSet getUDTs(String catalog, String schemaPattern, String typeNamePattern, int[] types)
            throws SQLException {
        return empty("TYPE_CAT VARCHAR, TYPE_SCHEM VARCHAR, TYPE_NAME VARCHAR, CLASS_NAME VARCHAR, DATA_TYPE INT,"
                + " REMARKS VARCHAR, BASE_TYPE SMALLINT");
    }

    @Override
    public ResultSet getSuperTypes(String catalog, String schemaPattern, String typeNamePattern)
            throws SQLException {
        return empty("TYPE_CAT VARCHAR, TYPE_SCHEM VARCHAR, TYPE_NAME VARCHAR, SUPERTYPE_CAT VARCHAR,"
                + " SUPERTYPE_SCHEM VARCHAR, SUPERTYPE_NAME VARCHAR");
    }

    @Override
    public ResultSet getSuperTables(String catalog, String schemaPattern, String tableNamePattern)
            throws SQLException {
        return empty("TABLE_CAT VARCHAR, TABLE_SCHEM VARCHAR, TABLE_NAME VARCHAR, SUPERTABLE_NAME VARCHAR");
    }

    @Override
    public ResultSet getAttributes(String catalog, String schemaPattern, String typeNamePattern,
            String attributeNamePattern) throws SQLException {
        return empty("TYPE_CAT VARCHAR, TYPE_SCHEM VARCHAR, TYPE_NAME VARCHAR, ATTR_NAME VARCHAR, DATA_TYPE INT,"
                + " ATTR_TYPE_NAME VARCHAR, ATTR_SIZE INT, DECIMAL_DIGITS INT, NUM_PREC_RADIX INT, NULLABLE INT,"
                + " REMARKS VARCHAR, ATTR_DEF VARCHAR, SQL_DATA_TYPE INT, SQL_DATETIME_SUB INT,"
                + " CHAR_OCTET_LENGTH INT, ORDINAL_POSITION INT, IS_NULLABLE VARCHAR, SCOPE_CATALOG VARCHAR,"
                + " SCOPE_SCHEMA VARCHAR, SCOPE_TABLE VARCHAR, SOURCE_DATA_TYPE SMALLINT");
    }

    // ------------------------------------------------------------------ routines, privileges, the rest
    //
    // Redwood has no user-defined procedures or functions, no GRANT (privileges are the owner's) and no
    // pseudo columns, so these have no rows.

    @Override
    public ResultSet getProcedures(String catalog, String schemaPattern, String procedureNamePattern)
            throws SQLException {
        return metadata("getProcedures", catalog, schemaPattern, procedureNamePattern);
    }

    @Override
    public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedureNamePattern,
            String columnNamePattern) throws SQLException {
        return metadata("getProcedureColumns", catalog, schemaPattern, procedureNamePattern, columnNamePattern);
    }

    @Override
    public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
            throws SQLException {
        return empty("FUNCTION_CAT VARCHAR, FUNCTION_SCHEM VARCHAR, FUNCTION_NAME VARCHAR, REMARKS VARCHAR,"
                + " FUNCTION_TYPE SMALLINT, SPECIFIC_NAME VARCHAR");
    }

    @Override
    public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionNamePattern,
            String columnNamePattern) throws SQLException {
        return empty("FUNCTION_CAT VARCHAR, FUNCTION_SCHEM VARCHAR, FUNCTION_NAME VARCHAR, COLUMN_NAME VARCHAR,"
                + " COLUMN_TYPE SMALLINT, DATA_TYPE INT, TYPE_NAME VARCHAR, PRECISION INT, LENGTH INT,"
                + " SCALE SMALLINT, RADIX SMALLINT, NULLABLE SMALLINT, REMARKS VARCHAR, CHAR_OCTET_LENGTH INT,"
                + " ORDINAL_POSITION INT, IS_NULLABLE VARCHAR, SPECIFIC_NAME VARCHAR");
    }

    @Override
    public ResultSet getColumnPrivileges(String catalog, String schema, String table, String columnNamePattern)
            throws SQLException {
        return empty("TABLE_CAT VARCHAR, TABLE_SCHEM VARCHAR, TABLE_NAME VARCHAR, COLUMN_NAME VARCHAR,"
                + " GRANTOR VARCHAR, GRANTEE VARCHAR, PRIVILEGE VARCHAR, IS_GRANTABLE VARCHAR");
    }

    @Override
    public ResultSet getTablePrivileges(String catalog, String schemaPattern, String tableNamePattern)
            throws SQLException {
        return empty("TABLE_CAT VARCHAR, TABLE_SCHEM VARCHAR, TABLE_NAME VARCHAR, GRANTOR VARCHAR,"
                + " GRANTEE VARCHAR, PRIVILEGE VARCHAR, IS_GRANTABLE VARCHAR");
    }

    @Override
    public ResultSet getPseudoColumns(String catalog, String schemaPattern, String tableNamePattern,
            String columnNamePattern) throws SQLException {
        return empty("TABLE_CAT VARCHAR, TABLE_SCHEM VARCHAR, TABLE_NAME VARCHAR, COLUMN_NAME VARCHAR,"
                + " DATA_TYPE INT, COLUMN_SIZE INT, DECIMAL_DIGITS INT, NUM_PREC_RADIX INT, COLUMN_USAGE VARCHAR,"
                + " REMARKS VARCHAR, CHAR_OCTET_LENGTH INT, IS_NULLABLE VARCHAR");
    }

    @Override
    public ResultSet getClientInfoProperties() throws SQLException {
        return empty("NAME VARCHAR, MAX_LEN INT, DEFAULT_VALUE VARCHAR, DESCRIPTION VARCHAR");
    }

    // ------------------------------------------------------------------ Wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (isWrapperFor(iface)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + (iface == null ? "null" : iface.getName()), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface != null && iface.isInstance(this);
    }
}
