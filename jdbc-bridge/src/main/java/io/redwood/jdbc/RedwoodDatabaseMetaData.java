package io.redwood.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's {@link DatabaseMetaData}: capabilities are constants, and every result set is a query over
 * Redwood's PostgreSQL-style {@code pg_catalog} and {@code information_schema}, shaped as pgJDBC shapes the
 * same calls (PostgreSQL type names such as {@code int4} and {@code varchar}, pgJDBC's type codes and column
 * sizes). Name patterns are LIKE patterns with {@code \} as the escape; a null pattern or catalog matches
 * everything.
 *
 * <p>Every query names a {@code pg_catalog} relation: Redwood then parses it as PostgreSQL does, which keeps the
 * case of the quoted column labels ({@code "TABLE_NAME"}), where its Redshift parsing folds them to lower case.
 */
final class RedwoodDatabaseMetaData implements DatabaseMetaData {
    private final Connection connection;
    private final String url;

    RedwoodDatabaseMetaData(Connection connection, String url) {
        this.connection = connection;
        this.url = url;
    }

    // ------------------------------------------------------------------ type descriptions, as SQL
    //
    // The result sets come straight from the server, so what pgJDBC computes in Java from a column's type
    // (TypeInfoCache) is computed here in SQL from pg_type.typname and pg_attribute.atttypmod.

    /** java.sql.Types code of a pg_type row, as pgJDBC maps it (bool is BIT, timestamptz is TIMESTAMP). */
    private static String dataType(String t) {
        return "CASE " + t + ".typname"
                + " WHEN 'int2' THEN " + Types.SMALLINT
                + " WHEN 'int4' THEN " + Types.INTEGER
                + " WHEN 'int8' THEN " + Types.BIGINT
                + " WHEN 'oid' THEN " + Types.BIGINT
                + " WHEN 'numeric' THEN " + Types.NUMERIC
                + " WHEN 'float4' THEN " + Types.REAL
                + " WHEN 'float8' THEN " + Types.DOUBLE
                + " WHEN 'money' THEN " + Types.DOUBLE
                + " WHEN 'bool' THEN " + Types.BIT
                + " WHEN 'bit' THEN " + Types.BIT
                + " WHEN 'char' THEN " + Types.CHAR
                + " WHEN 'bpchar' THEN " + Types.CHAR
                + " WHEN 'varchar' THEN " + Types.VARCHAR
                + " WHEN 'text' THEN " + Types.VARCHAR
                + " WHEN 'name' THEN " + Types.VARCHAR
                + " WHEN 'bytea' THEN " + Types.BINARY
                + " WHEN 'date' THEN " + Types.DATE
                + " WHEN 'time' THEN " + Types.TIME
                + " WHEN 'timetz' THEN " + Types.TIME
                + " WHEN 'timestamp' THEN " + Types.TIMESTAMP
                + " WHEN 'timestamptz' THEN " + Types.TIMESTAMP
                + " WHEN 'refcursor' THEN " + Types.REF_CURSOR
                + " WHEN 'xml' THEN " + Types.SQLXML
                + " ELSE CASE"
                + " WHEN " + t + ".typtype = 'c' THEN " + Types.STRUCT
                + " WHEN " + t + ".typtype = 'd' THEN " + Types.DISTINCT
                + " WHEN " + t + ".typtype = 'e' THEN " + Types.VARCHAR
                + " WHEN " + t + ".typelem <> 0 AND " + t + ".typlen = -1 AND substr(" + t + ".typname, 1, 1) = '_'"
                + " THEN " + Types.ARRAY
                + " ELSE " + Types.OTHER + " END END";
    }

    /** Digits of fractional seconds plus the point, for a time type of modifier {@code m} (pgJDBC's sizes). */
    private static String secondsSize(String m) {
        return "CASE WHEN " + m + " = -1 THEN 7 WHEN " + m + " = 0 THEN 0 WHEN " + m + " = 1 THEN 3 ELSE " + m
                + " + 1 END";
    }

    /**
     * COLUMN_SIZE of a column of type {@code t} and modifier {@code m}, as pgJDBC computes it: the precision,
     * or the display size where the type has none (dates, times), or Integer.MAX_VALUE when unbounded.
     */
    private static String columnSize(String t, String m) {
        String unbounded = String.valueOf(Integer.MAX_VALUE);
        return "CAST(CASE " + t + ".typname"
                + " WHEN 'int2' THEN 5"
                + " WHEN 'int4' THEN 10"
                + " WHEN 'oid' THEN 10"
                + " WHEN 'int8' THEN 19"
                + " WHEN 'float4' THEN 8"
                + " WHEN 'float8' THEN 17"
                // An unconstrained NUMERIC has no precision: pgJDBC gives its display size.
                + " WHEN 'numeric' THEN CASE WHEN " + m + " = -1 THEN 131089 ELSE (" + m + " - 4) / 65536 END"
                + " WHEN 'char' THEN 1"
                + " WHEN 'bool' THEN 1"
                + " WHEN 'bpchar' THEN CASE WHEN " + m + " = -1 THEN " + unbounded + " ELSE " + m + " - 4 END"
                + " WHEN 'varchar' THEN CASE WHEN " + m + " = -1 THEN " + unbounded + " ELSE " + m + " - 4 END"
                + " WHEN 'date' THEN 13"
                + " WHEN 'time' THEN 8 + " + secondsSize(m)
                + " WHEN 'timetz' THEN 14 + " + secondsSize(m)
                + " WHEN 'timestamp' THEN 22 + " + secondsSize(m)
                + " WHEN 'timestamptz' THEN 28 + " + secondsSize(m)
                + " WHEN 'interval' THEN 49"
                + " WHEN 'bit' THEN " + m
                + " WHEN 'varbit' THEN CASE WHEN " + m + " = -1 THEN " + unbounded + " ELSE " + m + " END"
                + " ELSE " + unbounded + " END AS INT)";
    }

    /** DECIMAL_DIGITS of a column of type {@code t} and modifier {@code m}, as pgJDBC computes it. */
    private static String decimalDigits(String t, String m) {
        return "CAST(CASE " + t + ".typname"
                + " WHEN 'float4' THEN 8"
                + " WHEN 'float8' THEN 17"
                + " WHEN 'numeric' THEN CASE WHEN " + m + " = -1 THEN 0 ELSE (" + m + " - 4) % 65536 END"
                + " WHEN 'time' THEN CASE WHEN " + m + " = -1 THEN 6 ELSE " + m + " END"
                + " WHEN 'timetz' THEN CASE WHEN " + m + " = -1 THEN 6 ELSE " + m + " END"
                + " WHEN 'timestamp' THEN CASE WHEN " + m + " = -1 THEN 6 ELSE " + m + " END"
                + " WHEN 'timestamptz' THEN CASE WHEN " + m + " = -1 THEN 6 ELSE " + m + " END"
                + " WHEN 'interval' THEN CASE WHEN " + m + " = -1 THEN 6 ELSE " + m + " % 65536 END"
                + " ELSE 0 END AS INT)";
    }

    /** TABLE_TYPE of a pg_class row {@code c} in namespace {@code n}, in pgJDBC's terms. */
    private static final String TABLE_TYPE = "CASE"
            + " WHEN n.nspname IN ('pg_catalog', 'information_schema') THEN CASE c.relkind"
            + "  WHEN 'r' THEN 'SYSTEM TABLE' WHEN 'v' THEN 'SYSTEM VIEW' WHEN 'i' THEN 'SYSTEM INDEX' END"
            + " WHEN substr(n.nspname, 1, 8) = 'pg_temp_' THEN CASE c.relkind"
            + "  WHEN 'r' THEN 'TEMPORARY TABLE' WHEN 'v' THEN 'TEMPORARY VIEW' WHEN 'i' THEN 'TEMPORARY INDEX' END"
            + " ELSE CASE c.relkind"
            + "  WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
            + "  WHEN 'i' THEN 'INDEX' WHEN 'f' THEN 'FOREIGN TABLE' END"
            + " END";

    /** Every TABLE_TYPE that {@link #TABLE_TYPE} gives, sorted. */
    private static final String[] TABLE_TYPES = {
        "FOREIGN TABLE", "INDEX", "MATERIALIZED VIEW", "SYSTEM INDEX", "SYSTEM TABLE", "SYSTEM VIEW", "TABLE",
        "TEMPORARY INDEX", "TEMPORARY TABLE", "TEMPORARY VIEW", "VIEW",
    };

    /** Comments live in pg_description under pg_class's oid. */
    private static final String CLASS_COMMENT = "d.classoid = CAST('pg_class' AS regclass)";

    /**
     * The key columns ({@code k}) of primary keys, information_schema's view of pg_constraint, with their table's
     * pg_class row ({@code c}).
     */
    private static final String PRIMARY_KEY_COLUMNS = " FROM information_schema.table_constraints tc"
            + " JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema"
            + " AND k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema"
            + " AND k.table_name = tc.table_name"
            + " JOIN pg_catalog.pg_namespace n ON n.nspname = k.table_schema"
            + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = k.table_name AND c.relkind = 'r'";

    private static final String IS_PRIMARY_KEY = " WHERE tc.constraint_type = 'PRIMARY KEY'";

    // ------------------------------------------------------------------ querying

    /** A query's text and its string parameters, built up condition by condition. */
    private static final class Query {
        private final StringBuilder sql;
        private final List<String> parameters = new ArrayList<>();

        Query(String sql) {
            this.sql = new StringBuilder(sql);
        }

        Query append(String text) {
            sql.append(text);
            return this;
        }

        /**
         * {@code AND column LIKE pattern}; a null pattern matches everything. Backslash is LIKE's default escape;
         * no ESCAPE clause, since Redshift's string literals read a backslash as an escape themselves.
         */
        Query like(String column, String pattern) {
            if (pattern != null) {
                sql.append(" AND ").append(column).append(" LIKE ?");
                parameters.add(pattern);
            }
            return this;
        }

        /** {@code AND column = value}; a null value matches everything. */
        Query equal(String column, String value) {
            if (value != null) {
                sql.append(" AND ").append(column).append(" = ?");
                parameters.add(value);
            }
            return this;
        }

        /** Only when {@code catalog} is null or names the current database (the only one a session sees). */
        Query catalog(String catalog) {
            return equal("current_database()", catalog);
        }
    }

    private ResultSet execute(Query query) throws SQLException {
        PreparedStatement statement;
        try {
            statement = connection.prepareStatement(query.sql.toString());
        } catch (RuntimeException e) {
            throw new SQLException("metadata query failed: " + e, "XX000", e);
        }
        try {
            for (int i = 0; i < query.parameters.size(); i++) {
                statement.setString(i + 1, query.parameters.get(i));
            }
            ResultSet rows = statement.executeQuery();
            statement.closeOnCompletion();
            return rows;
        } catch (SQLException | RuntimeException e) {
            try {
                statement.close();
            } catch (SQLException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof SQLException) {
                throw (SQLException) e;
            }
            throw new SQLException("metadata query failed: " + e, "XX000", e);
        }
    }

    private ResultSet execute(String sql) throws SQLException {
        return execute(new Query(sql));
    }

    /**
     * No rows, with the given columns ("NAME TYPE, ..."): what the methods for objects Redwood does not have
     * (procedures, user-defined types, privileges, ...) return.
     */
    private ResultSet empty(String columns) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        String separator = "";
        for (String column : columns.split(",")) {
            String[] nameAndType = column.trim().split(" ");
            sql.append(separator).append("CAST(NULL AS ").append(nameAndType[1]).append(") AS \"")
                    .append(nameAndType[0]).append('"');
            separator = ", ";
        }
        return execute(sql.append(" FROM pg_catalog.pg_namespace WHERE 1 = 0").toString());
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
        return execute("SELECT datname AS \"TABLE_CAT\" FROM pg_catalog.pg_database"
                + " WHERE datname = current_database()");
    }

    @Override
    public ResultSet getSchemas() throws SQLException {
        return getSchemas(null, null);
    }

    @Override
    public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
        return execute(new Query("SELECT nspname AS \"TABLE_SCHEM\", current_database() AS \"TABLE_CATALOG\""
                        + " FROM pg_catalog.pg_namespace WHERE nspname <> 'pg_toast'")
                .catalog(catalog)
                .like("nspname", schemaPattern)
                .append(" ORDER BY \"TABLE_CATALOG\", \"TABLE_SCHEM\""));
    }

    @Override
    public ResultSet getTableTypes() throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (String type : TABLE_TYPES) {
            sql.append(sql.length() == 0 ? "" : " UNION ALL ").append("SELECT '").append(type)
                    .append("' AS \"TABLE_TYPE\"");
        }
        return execute("SELECT types.\"TABLE_TYPE\" FROM (" + sql + ") types"
                + " CROSS JOIN pg_catalog.pg_database d WHERE d.datname = current_database() ORDER BY 1");
    }

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types)
            throws SQLException {
        Query query = new Query("SELECT * FROM (SELECT current_database() AS \"TABLE_CAT\","
                + " n.nspname AS \"TABLE_SCHEM\", c.relname AS \"TABLE_NAME\", " + TABLE_TYPE + " AS \"TABLE_TYPE\","
                + " d.description AS \"REMARKS\", CAST(NULL AS VARCHAR) AS \"TYPE_CAT\","
                + " CAST(NULL AS VARCHAR) AS \"TYPE_SCHEM\", CAST(NULL AS VARCHAR) AS \"TYPE_NAME\","
                + " CAST(NULL AS VARCHAR) AS \"SELF_REFERENCING_COL_NAME\", CAST(NULL AS VARCHAR) AS \"REF_GENERATION\""
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND " + CLASS_COMMENT
                + " WHERE true")
                .catalog(catalog)
                .like("n.nspname", schemaPattern)
                .like("c.relname", tableNamePattern)
                .append(") tables WHERE \"TABLE_TYPE\" IS NOT NULL");
        if (types != null) {
            query.append(" AND \"TABLE_TYPE\" IN (NULL");
            for (String type : types) {
                if (type != null) {
                    query.append(", ?");
                    query.parameters.add(type);
                }
            }
            query.append(")");
        }
        return execute(query.append(" ORDER BY \"TABLE_TYPE\", \"TABLE_CAT\", \"TABLE_SCHEM\", \"TABLE_NAME\""));
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern,
            String columnNamePattern) throws SQLException {
        String size = columnSize("t", "a.atttypmod");
        return execute(new Query("SELECT current_database() AS \"TABLE_CAT\", n.nspname AS \"TABLE_SCHEM\","
                        + " c.relname AS \"TABLE_NAME\", a.attname AS \"COLUMN_NAME\","
                        + " CAST(" + dataType("t") + " AS INT) AS \"DATA_TYPE\", t.typname AS \"TYPE_NAME\","
                        + " " + size + " AS \"COLUMN_SIZE\", CAST(NULL AS INT) AS \"BUFFER_LENGTH\","
                        + " " + decimalDigits("t", "a.atttypmod") + " AS \"DECIMAL_DIGITS\","
                        + " CAST(CASE WHEN t.typname IN ('bit', 'varbit') THEN 2 ELSE 10 END AS INT) AS \"NUM_PREC_RADIX\","
                        + " CAST(CASE WHEN a.attnotnull THEN " + columnNoNulls + " ELSE " + columnNullable
                        + " END AS INT) AS \"NULLABLE\","
                        + " d.description AS \"REMARKS\","
                        + " pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS \"COLUMN_DEF\","
                        + " CAST(NULL AS INT) AS \"SQL_DATA_TYPE\", CAST(NULL AS INT) AS \"SQL_DATETIME_SUB\","
                        + " CASE WHEN " + dataType("t") + " IN (" + Types.CHAR + ", " + Types.VARCHAR + ") THEN " + size
                        + " END AS \"CHAR_OCTET_LENGTH\","
                        + " CAST(a.attnum AS INT) AS \"ORDINAL_POSITION\","
                        + " CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS \"IS_NULLABLE\","
                        + " CAST(NULL AS VARCHAR) AS \"SCOPE_CATALOG\", CAST(NULL AS VARCHAR) AS \"SCOPE_SCHEMA\","
                        + " CAST(NULL AS VARCHAR) AS \"SCOPE_TABLE\", CAST(NULL AS SMALLINT) AS \"SOURCE_DATA_TYPE\","
                        // IDENTITY columns, and PostgreSQL's serials should a catalog ever show one.
                        + " CASE WHEN a.attidentity IN ('a', 'd')"
                        + " OR pg_catalog.pg_get_expr(def.adbin, def.adrelid) LIKE '%nextval(%'"
                        + " THEN 'YES' ELSE 'NO' END AS \"IS_AUTOINCREMENT\","
                        + " CASE WHEN a.attgenerated IN ('s', 'v') THEN 'YES' ELSE 'NO' END AS \"IS_GENERATEDCOLUMN\""
                        + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
                        + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                        + " LEFT JOIN pg_catalog.pg_attrdef def ON def.adrelid = a.attrelid AND def.adnum = a.attnum"
                        + " LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum"
                        + " AND " + CLASS_COMMENT
                        + " WHERE c.relkind IN ('r', 'p', 'v', 'f', 'm') AND a.attnum > 0 AND NOT a.attisdropped")
                .catalog(catalog)
                .like("n.nspname", schemaPattern)
                .like("c.relname", tableNamePattern)
                .like("a.attname", columnNamePattern)
                .append(" ORDER BY \"TABLE_SCHEM\", \"TABLE_NAME\", \"ORDINAL_POSITION\""));
    }

    // ------------------------------------------------------------------ keys and indexes

    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        return execute(new Query("SELECT k.table_catalog AS \"TABLE_CAT\", k.table_schema AS \"TABLE_SCHEM\","
                        + " k.table_name AS \"TABLE_NAME\", k.column_name AS \"COLUMN_NAME\","
                        + " CAST(k.ordinal_position AS SMALLINT) AS \"KEY_SEQ\", k.constraint_name AS \"PK_NAME\""
                        + PRIMARY_KEY_COLUMNS + IS_PRIMARY_KEY)
                .equal("k.table_catalog", catalog)
                .equal("k.table_schema", schema)
                .equal("k.table_name", table)
                .append(" ORDER BY \"COLUMN_NAME\""));
    }

    /** The primary key's index: the only index Redwood's catalog has (pg_index), unique by nature. */
    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
            throws SQLException {
        return execute(new Query("SELECT k.table_catalog AS \"TABLE_CAT\", k.table_schema AS \"TABLE_SCHEM\","
                        + " k.table_name AS \"TABLE_NAME\", false AS \"NON_UNIQUE\","
                        + " CAST(NULL AS VARCHAR) AS \"INDEX_QUALIFIER\", k.constraint_name AS \"INDEX_NAME\","
                        + " CAST(" + tableIndexOther + " AS SMALLINT) AS \"TYPE\","
                        + " CAST(k.ordinal_position AS SMALLINT) AS \"ORDINAL_POSITION\", k.column_name AS \"COLUMN_NAME\","
                        + " 'A' AS \"ASC_OR_DESC\", CAST(c.reltuples AS BIGINT) AS \"CARDINALITY\","
                        + " CAST(c.relpages AS BIGINT) AS \"PAGES\", CAST(NULL AS VARCHAR) AS \"FILTER_CONDITION\""
                        + PRIMARY_KEY_COLUMNS + IS_PRIMARY_KEY)
                .equal("k.table_catalog", catalog)
                .equal("k.table_schema", schema)
                .equal("k.table_name", table)
                .append(" ORDER BY \"NON_UNIQUE\", \"TYPE\", \"INDEX_NAME\", \"ORDINAL_POSITION\""));
    }

    /** The primary key's columns, which identify a row for as long as the session lasts. */
    @Override
    public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope, boolean nullable)
            throws SQLException {
        return execute(new Query("SELECT CAST(" + bestRowSession + " AS SMALLINT) AS \"SCOPE\","
                        + " a.attname AS \"COLUMN_NAME\", CAST(" + dataType("t") + " AS INT) AS \"DATA_TYPE\","
                        + " t.typname AS \"TYPE_NAME\", " + columnSize("t", "a.atttypmod") + " AS \"COLUMN_SIZE\","
                        + " CAST(NULL AS INT) AS \"BUFFER_LENGTH\","
                        + " CAST(" + decimalDigits("t", "a.atttypmod") + " AS SMALLINT) AS \"DECIMAL_DIGITS\","
                        + " CAST(" + bestRowNotPseudo + " AS SMALLINT) AS \"PSEUDO_COLUMN\""
                        + PRIMARY_KEY_COLUMNS
                        + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = k.column_name"
                        + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid" + IS_PRIMARY_KEY)
                .equal("k.table_catalog", catalog)
                .equal("k.table_schema", schema)
                .equal("k.table_name", table)
                .append(" ORDER BY \"SCOPE\", k.ordinal_position"));
    }

    private static final String KEY_COLUMNS = "PKTABLE_CAT VARCHAR, PKTABLE_SCHEM VARCHAR, PKTABLE_NAME VARCHAR,"
            + " PKCOLUMN_NAME VARCHAR, FKTABLE_CAT VARCHAR, FKTABLE_SCHEM VARCHAR, FKTABLE_NAME VARCHAR,"
            + " FKCOLUMN_NAME VARCHAR, KEY_SEQ SMALLINT, UPDATE_RULE SMALLINT, DELETE_RULE SMALLINT, FK_NAME VARCHAR,"
            + " PK_NAME VARCHAR, DEFERRABILITY SMALLINT";

    // Redwood's pg_constraint records a foreign key's own columns but not the table and columns it references
    // (confrelid is 0, confkey NULL), so there is no pair of key columns to report.
    @Override
    public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
        return empty(KEY_COLUMNS);
    }

    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        return empty(KEY_COLUMNS);
    }

    @Override
    public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
            String foreignCatalog, String foreignSchema, String foreignTable) throws SQLException {
        return empty(KEY_COLUMNS);
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
        String numeric = "data_type IN (" + Types.BIGINT + ", " + Types.INTEGER + ", " + Types.SMALLINT + ", "
                + Types.REAL + ", " + Types.DOUBLE + ", " + Types.NUMERIC + ")";
        return execute("SELECT typname AS \"TYPE_NAME\", data_type AS \"DATA_TYPE\","
                + " CAST(CASE typname WHEN 'numeric' THEN 38 WHEN 'varchar' THEN 65535 WHEN 'bpchar' THEN 4096"
                + " ELSE column_size END AS INT) AS \"PRECISION\","
                + " CASE WHEN " + numeric + " THEN NULL ELSE '''' END AS \"LITERAL_PREFIX\","
                + " CASE WHEN " + numeric + " THEN NULL ELSE '''' END AS \"LITERAL_SUFFIX\","
                + " CASE typname WHEN 'numeric' THEN 'precision,scale' WHEN 'varchar' THEN 'length'"
                + " WHEN 'bpchar' THEN 'length' END AS \"CREATE_PARAMS\","
                + " CAST(" + typeNullable + " AS SMALLINT) AS \"NULLABLE\","
                + " typname IN ('varchar', 'bpchar') AS \"CASE_SENSITIVE\","
                + " CAST(" + typeSearchable + " AS SMALLINT) AS \"SEARCHABLE\","
                + " NOT " + numeric + " AS \"UNSIGNED_ATTRIBUTE\","
                + " false AS \"FIXED_PREC_SCALE\","
                // IDENTITY columns are SMALLINT, INTEGER or BIGINT.
                + " typname IN ('int2', 'int4', 'int8') AS \"AUTO_INCREMENT\","
                + " CAST(NULL AS VARCHAR) AS \"LOCAL_TYPE_NAME\", CAST(0 AS SMALLINT) AS \"MINIMUM_SCALE\","
                + " CAST(CASE typname WHEN 'numeric' THEN 38 ELSE 0 END AS SMALLINT) AS \"MAXIMUM_SCALE\","
                + " CAST(NULL AS INT) AS \"SQL_DATA_TYPE\", CAST(NULL AS INT) AS \"SQL_DATETIME_SUB\","
                + " CAST(10 AS INT) AS \"NUM_PREC_RADIX\""
                + " FROM (SELECT t.typname, CAST(" + dataType("t") + " AS INT) AS data_type,"
                + " " + columnSize("t", "-1") + " AS column_size"
                + " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE n.nspname = 'pg_catalog' AND t.typname IN ('int2', 'int4', 'int8', 'numeric', 'float4',"
                + " 'float8', 'bool', 'bpchar', 'varchar', 'date', 'timestamp', 'timestamptz')) types"
                // The type that maps most closely comes first within a DATA_TYPE: timestamp before timestamptz.
                + " ORDER BY \"DATA_TYPE\", \"TYPE_NAME\"");
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
        return empty("PROCEDURE_CAT VARCHAR, PROCEDURE_SCHEM VARCHAR, PROCEDURE_NAME VARCHAR, RESERVED1 VARCHAR,"
                + " RESERVED2 VARCHAR, RESERVED3 VARCHAR, REMARKS VARCHAR, PROCEDURE_TYPE SMALLINT,"
                + " SPECIFIC_NAME VARCHAR");
    }

    @Override
    public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedureNamePattern,
            String columnNamePattern) throws SQLException {
        return empty("PROCEDURE_CAT VARCHAR, PROCEDURE_SCHEM VARCHAR, PROCEDURE_NAME VARCHAR, COLUMN_NAME VARCHAR,"
                + " COLUMN_TYPE SMALLINT, DATA_TYPE INT, TYPE_NAME VARCHAR, PRECISION INT, LENGTH INT,"
                + " SCALE SMALLINT, RADIX SMALLINT, NULLABLE SMALLINT, REMARKS VARCHAR, COLUMN_DEF VARCHAR,"
                + " SQL_DATA_TYPE INT, SQL_DATETIME_SUB INT, CHAR_OCTET_LENGTH INT, ORDINAL_POSITION INT,"
                + " IS_NULLABLE VARCHAR, SPECIFIC_NAME VARCHAR");
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
