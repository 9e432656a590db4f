package io.redwood.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** The columns of a result or of a prepared statement, typed as pgJDBC reports them. */
final class RedwoodResultSetMetaData implements ResultSetMetaData {
    private final Column[] columns;

    RedwoodResultSetMetaData(Column[] columns) {
        this.columns = columns;
    }

    private Column column(int index) throws SQLException {
        if (index < 1 || index > columns.length) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE,
                    "The column index is out of range: " + index + ", number of columns: " + columns.length + ".");
        }
        return columns[index - 1];
    }

    @Override
    public int getColumnCount() {
        return columns.length;
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return column(column).kind.isText();
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        column(column);
        return true;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        column(column);
        return false;
    }

    /** The wire does not say: every column may be NULL. */
    @Override
    public int isNullable(int column) throws SQLException {
        column(column);
        return columnNullable;
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        return column(column).kind.isNumber();
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        Column c = column(column);
        switch (c.kind) {
            case VARCHAR:
            case CHAR:
                return c.precision > 0 ? c.precision : c.kind.displaySize;
            case DECIMAL:
                // Digits, sign and decimal point.
                return c.precision > 0 ? c.precision + (c.scale > 0 ? 2 : 1) : c.kind.displaySize;
            default:
                return c.kind.displaySize;
        }
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return column(column).name;
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return column(column).name;
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        column(column);
        return "";
    }

    /** Digits of a number, characters of CHAR/VARCHAR (pgJDBC's answers for the other types). */
    @Override
    public int getPrecision(int column) throws SQLException {
        Column c = column(column);
        switch (c.kind) {
            case SMALLINT: return 5;
            case INTEGER: return 10;
            case BIGINT: return 19;
            case REAL: return 8;
            case DOUBLE: return 17;
            case BOOLEAN: return 1;
            case DATE: return 13;
            case TIME: return 15;
            case TIMESTAMP: return 29;
            case TIMESTAMPTZ: return 35;
            case DECIMAL:
            case VARCHAR:
            case CHAR:
                return Math.max(c.precision, 0);
            default:
                return 0;
        }
    }

    @Override
    public int getScale(int column) throws SQLException {
        Column c = column(column);
        switch (c.kind) {
            case DECIMAL:
            case TIMESTAMP:
            case TIMESTAMPTZ:
            case TIME:
                return Math.max(c.scale, 0);
            case REAL: return 8;
            case DOUBLE: return 17;
            default:
                return 0;
        }
    }

    @Override
    public String getTableName(int column) throws SQLException {
        column(column);
        return "";
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        column(column);
        return "";
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return column(column).kind.jdbcType;
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return column(column).kind.typeName;
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        column(column);
        return true;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return column(column).kind.javaClass.getName();
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
