package io.redwood.jdbc;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * The SQL type of a result column, in the order of the client API's {@code ColumnKind} (the native
 * library sends the ordinal), with what JDBC reports of it: the {@link Types} code and PostgreSQL
 * type name pgJDBC reports (tools match on both) and the class {@code getObject} returns.
 */
enum ColumnKind {
    BOOLEAN(Types.BIT, "bool", Boolean.class, 1),
    SMALLINT(Types.SMALLINT, "int2", Integer.class, 6),
    INTEGER(Types.INTEGER, "int4", Integer.class, 11),
    BIGINT(Types.BIGINT, "int8", Long.class, 20),
    REAL(Types.REAL, "float4", Float.class, 15),
    DOUBLE(Types.DOUBLE, "float8", Double.class, 25),
    DECIMAL(Types.NUMERIC, "numeric", BigDecimal.class, 131089),
    VARCHAR(Types.VARCHAR, "varchar", String.class, 65535),
    CHAR(Types.CHAR, "bpchar", String.class, 4096),
    TEXT(Types.VARCHAR, "text", String.class, Integer.MAX_VALUE),
    DATE(Types.DATE, "date", Date.class, 13),
    TIMESTAMP(Types.TIMESTAMP, "timestamp", Timestamp.class, 29),
    TIMESTAMPTZ(Types.TIMESTAMP, "timestamptz", Timestamp.class, 35),
    TIME(Types.TIME, "time", Time.class, 15),
    INTERVAL(Types.OTHER, "interval", String.class, 49),
    BYTEA(Types.BINARY, "bytea", byte[].class, Integer.MAX_VALUE),
    ARRAY(Types.VARCHAR, "text", String.class, Integer.MAX_VALUE),
    OTHER(Types.VARCHAR, "text", String.class, Integer.MAX_VALUE);

    private static final ColumnKind[] BY_CODE = values();

    final int jdbcType;
    final String typeName;
    final Class<?> javaClass;
    /** Characters the longest value takes, where the type alone says (CHAR/VARCHAR/NUMERIC say more). */
    final int displaySize;

    ColumnKind(int jdbcType, String typeName, Class<?> javaClass, int displaySize) {
        this.jdbcType = jdbcType;
        this.typeName = typeName;
        this.javaClass = javaClass;
        this.displaySize = displaySize;
    }

    static ColumnKind fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : OTHER;
    }

    boolean isText() {
        return this == VARCHAR || this == CHAR || this == TEXT || this == INTERVAL || this == ARRAY || this == OTHER;
    }

    boolean isNumber() {
        return this == SMALLINT || this == INTEGER || this == BIGINT || this == REAL || this == DOUBLE || this == DECIMAL;
    }
}
