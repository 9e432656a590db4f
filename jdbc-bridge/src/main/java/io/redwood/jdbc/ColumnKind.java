package io.redwood.jdbc;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * The SQL type of a result column by the code the native library sends (the discriminants of the
 * client API's {@code ColumnKind}, which a test in jdbc-bridge/src/lib.rs compares with these), with
 * what JDBC reports of it: the {@link Types} code and PostgreSQL type name pgJDBC reports (tools
 * match on both) and the class {@code getObject} returns.
 */
enum ColumnKind {
    BOOLEAN(0, Types.BIT, "bool", Boolean.class, 1),
    SMALLINT(1, Types.SMALLINT, "int2", Integer.class, 6),
    INTEGER(2, Types.INTEGER, "int4", Integer.class, 11),
    BIGINT(3, Types.BIGINT, "int8", Long.class, 20),
    REAL(4, Types.REAL, "float4", Float.class, 15),
    DOUBLE(5, Types.DOUBLE, "float8", Double.class, 25),
    DECIMAL(6, Types.NUMERIC, "numeric", BigDecimal.class, 131089),
    VARCHAR(7, Types.VARCHAR, "varchar", String.class, 65535),
    CHAR(8, Types.CHAR, "bpchar", String.class, 4096),
    TEXT(9, Types.VARCHAR, "text", String.class, Integer.MAX_VALUE),
    DATE(10, Types.DATE, "date", Date.class, 13),
    TIMESTAMP(11, Types.TIMESTAMP, "timestamp", Timestamp.class, 29),
    TIMESTAMPTZ(12, Types.TIMESTAMP, "timestamptz", Timestamp.class, 35),
    TIME(13, Types.TIME, "time", Time.class, 15),
    INTERVAL(14, Types.OTHER, "interval", String.class, 49),
    BYTEA(15, Types.BINARY, "bytea", byte[].class, Integer.MAX_VALUE),
    ARRAY(16, Types.VARCHAR, "text", String.class, Integer.MAX_VALUE),
    OTHER(17, Types.VARCHAR, "text", String.class, Integer.MAX_VALUE);

    final int code;
    final int jdbcType;
    final String typeName;
    final Class<?> javaClass;
    /** Characters the longest value takes, where the type alone says (CHAR/VARCHAR/NUMERIC say more). */
    final int displaySize;

    ColumnKind(int code, int jdbcType, String typeName, Class<?> javaClass, int displaySize) {
        this.code = code;
        this.jdbcType = jdbcType;
        this.typeName = typeName;
        this.javaClass = javaClass;
        this.displaySize = displaySize;
    }

    static ColumnKind fromCode(int code) {
        for (ColumnKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return OTHER;
    }

    boolean isText() {
        return this == VARCHAR || this == CHAR || this == TEXT || this == INTERVAL || this == ARRAY || this == OTHER;
    }

    boolean isNumber() {
        return this == SMALLINT || this == INTEGER || this == BIGINT || this == REAL || this == DOUBLE || this == DECIMAL;
    }
}
