package io.redwood.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Calendar;

/**
 * The values bound to a prepared statement's parameters, as the native library takes them: a kind
 * per parameter with its value in {@code numbers} or, for text and decimals, {@code texts}.
 * Dates and timestamps go as their wall-clock value (days, microseconds since 1970-01-01), so
 * that the JVM's time zone does not shift them.
 */
final class Parameters {
    /** Kinds, as jdbc-bridge/src/lib.rs numbers them. */
    static final int NULL = 0;
    static final int BOOL = 1;
    static final int BIGINT = 2;
    static final int DOUBLE = 3;
    static final int TEXT = 4;
    static final int DECIMAL = 5;
    static final int DATE = 6;
    static final int TIMESTAMP = 7;

    private static final DateTimeFormatter OFFSET_TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");

    final int[] kinds;
    final long[] numbers;
    final Object[] texts;
    private final boolean[] set;

    Parameters(int count) {
        kinds = new int[count];
        numbers = new long[count];
        texts = new Object[count];
        set = new boolean[count];
    }

    private Parameters(Parameters other) {
        kinds = other.kinds.clone();
        numbers = other.numbers.clone();
        texts = other.texts.clone();
        set = other.set.clone();
    }

    Parameters copy() {
        return new Parameters(this);
    }

    int count() {
        return kinds.length;
    }

    void clear() {
        Arrays.fill(set, false);
        Arrays.fill(texts, null);
    }

    /** The parameters' declared types: what the statement is prepared with (NULL, TEXT and DECIMAL declare none). */
    static int declared(int kind) {
        return kind == TEXT || kind == DECIMAL ? NULL : kind;
    }

    /** Whether a statement prepared with {@code prepared} kinds takes these values (a NULL fits any type). */
    boolean fits(int[] prepared) {
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] != NULL && declared(kinds[i]) != prepared[i]) {
                return false;
            }
        }
        return true;
    }

    int[] declaredKinds() {
        int[] declared = new int[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            declared[i] = declared(kinds[i]);
        }
        return declared;
    }

    void checkAllSet() throws SQLException {
        for (int i = 0; i < set.length; i++) {
            if (!set[i]) {
                throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "No value specified for parameter " + (i + 1) + ".");
            }
        }
    }

    private int slot(int index) throws SQLException {
        if (index < 1 || index > kinds.length) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE,
                    "The column index is out of range: " + index + ", number of columns: " + kinds.length + ".");
        }
        return index - 1;
    }

    private void put(int index, int kind, long number, String text) throws SQLException {
        int i = slot(index);
        kinds[i] = kind;
        numbers[i] = number;
        texts[i] = text == null ? null : Native.utf8(text);
        set[i] = true;
    }

    void setNull(int index) throws SQLException {
        put(index, NULL, 0, null);
    }

    void setBoolean(int index, boolean value) throws SQLException {
        put(index, BOOL, value ? 1 : 0, null);
    }

    void setLong(int index, long value) throws SQLException {
        put(index, BIGINT, value, null);
    }

    void setDouble(int index, double value) throws SQLException {
        put(index, DOUBLE, Double.doubleToRawLongBits(value), null);
    }

    /** A float as the decimal it prints as (0.1f binds 0.1, not 0.10000000149). */
    void setFloat(int index, float value) throws SQLException {
        setDouble(index, Float.isFinite(value) ? Double.parseDouble(Float.toString(value)) : value);
    }

    void setText(int index, String value) throws SQLException {
        if (value == null) {
            setNull(index);
        } else {
            put(index, TEXT, 0, value);
        }
    }

    void setDecimal(int index, BigDecimal value) throws SQLException {
        if (value == null) {
            setNull(index);
        } else {
            put(index, DECIMAL, 0, value.toPlainString());
        }
    }

    void setDate(int index, LocalDate value) throws SQLException {
        if (value == null) {
            setNull(index);
        } else {
            put(index, DATE, value.toEpochDay(), null);
        }
    }

    void setTimestamp(int index, LocalDateTime value) throws SQLException {
        if (value == null) {
            setNull(index);
        } else {
            long micros = Math.addExact(Math.multiplyExact(value.toEpochSecond(ZoneOffset.UTC), 1_000_000L), value.getNano() / 1000);
            put(index, TIMESTAMP, micros, null);
        }
    }

    void setDate(int index, Date value, Calendar calendar) throws SQLException {
        if (value == null) {
            setNull(index);
        } else if (calendar == null) {
            setDate(index, value.toLocalDate());
        } else {
            setDate(index, Instant.ofEpochMilli(value.getTime()).atZone(calendar.getTimeZone().toZoneId()).toLocalDate());
        }
    }

    void setTimestamp(int index, Timestamp value, Calendar calendar) throws SQLException {
        if (value == null) {
            setNull(index);
        } else if (calendar == null) {
            setTimestamp(index, value.toLocalDateTime());
        } else {
            setTimestamp(index, LocalDateTime.ofInstant(value.toInstant(), calendar.getTimeZone().toZoneId()));
        }
    }

    void setTime(int index, LocalTime value) throws SQLException {
        setText(index, value == null ? null : value.toString());
    }

    void setTime(int index, Time value, Calendar calendar) throws SQLException {
        if (value == null || calendar == null) {
            setTime(index, value == null ? null : value.toLocalTime());
        } else {
            setTime(index, Instant.ofEpochMilli(value.getTime()).atZone(calendar.getTimeZone().toZoneId()).toLocalTime());
        }
    }

    /** An instant with its offset, as text: the statement's TIMESTAMPTZ takes it as that instant. */
    void setOffsetDateTime(int index, OffsetDateTime value) throws SQLException {
        setText(index, value == null ? null : value.format(OFFSET_TIMESTAMP));
    }

    void setObject(int index, Object value) throws SQLException {
        if (value == null) {
            setNull(index);
        } else if (value instanceof String) {
            setText(index, (String) value);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            setLong(index, ((Number) value).longValue());
        } else if (value instanceof Boolean) {
            setBoolean(index, (Boolean) value);
        } else if (value instanceof Double) {
            setDouble(index, (Double) value);
        } else if (value instanceof Float) {
            setFloat(index, (Float) value);
        } else if (value instanceof BigDecimal) {
            setDecimal(index, (BigDecimal) value);
        } else if (value instanceof BigInteger) {
            setDecimal(index, new BigDecimal((BigInteger) value));
        } else if (value instanceof Date) {
            setDate(index, ((Date) value).toLocalDate());
        } else if (value instanceof Time) {
            setTime(index, ((Time) value).toLocalTime());
        } else if (value instanceof Timestamp) {
            setTimestamp(index, ((Timestamp) value).toLocalDateTime());
        } else if (value instanceof LocalDate) {
            setDate(index, (LocalDate) value);
        } else if (value instanceof LocalDateTime) {
            setTimestamp(index, (LocalDateTime) value);
        } else if (value instanceof LocalTime) {
            setTime(index, (LocalTime) value);
        } else if (value instanceof OffsetDateTime) {
            setOffsetDateTime(index, (OffsetDateTime) value);
        } else if (value instanceof ZonedDateTime) {
            setOffsetDateTime(index, ((ZonedDateTime) value).toOffsetDateTime());
        } else if (value instanceof Instant) {
            setOffsetDateTime(index, ((Instant) value).atOffset(ZoneOffset.UTC));
        } else if (value instanceof java.util.Date) {
            setTimestamp(index, new Timestamp(((java.util.Date) value).getTime()).toLocalDateTime());
        } else if (value instanceof Character) {
            setText(index, value.toString());
        } else {
            slot(index);
            throw Errors.of(Errors.INVALID_PARAMETER_TYPE, "Can't infer the SQL type to use for an instance of "
                    + value.getClass().getName() + ". Use setObject() with an explicit Types value to specify the type to use.");
        }
    }

    /** A value converted to {@code sqlType} first (setObject with a target type). */
    void setObject(int index, Object value, int sqlType) throws SQLException {
        if (value == null) {
            setNull(index);
            return;
        }
        try {
            switch (sqlType) {
                case Types.VARCHAR:
                case Types.CHAR:
                case Types.LONGVARCHAR:
                case Types.NVARCHAR:
                case Types.NCHAR:
                case Types.LONGNVARCHAR:
                    setText(index, value instanceof Boolean ? ((Boolean) value ? "true" : "false") : value.toString());
                    return;
                case Types.TINYINT:
                case Types.SMALLINT:
                case Types.INTEGER:
                case Types.BIGINT:
                    setLong(index, value instanceof Boolean ? ((Boolean) value ? 1 : 0) : number(value).longValueExact());
                    return;
                case Types.REAL:
                case Types.FLOAT:
                case Types.DOUBLE:
                    setDouble(index, number(value).doubleValue());
                    return;
                case Types.DECIMAL:
                case Types.NUMERIC:
                    setDecimal(index, number(value));
                    return;
                case Types.BOOLEAN:
                case Types.BIT:
                    setBoolean(index, value instanceof Boolean ? (Boolean) value : bool(value));
                    return;
                case Types.DATE:
                    if (value instanceof String) {
                        setDate(index, LocalDate.parse(((String) value).trim()));
                        return;
                    }
                    break;
                case Types.TIMESTAMP:
                    if (value instanceof String) {
                        setTimestamp(index, Timestamp.valueOf(((String) value).trim()).toLocalDateTime());
                        return;
                    }
                    if (value instanceof LocalDate) {
                        setTimestamp(index, ((LocalDate) value).atStartOfDay());
                        return;
                    }
                    break;
                default:
                    break;
            }
        } catch (ArithmeticException | IllegalArgumentException | java.time.DateTimeException e) {
            throw Errors.of(Errors.INVALID_PARAMETER_VALUE, "Cannot convert " + value + " to SQL type " + sqlType + ": " + e.getMessage());
        }
        setObject(index, value);
    }

    private static BigDecimal number(Object value) {
        if (value instanceof BigDecimal) {
            return (BigDecimal) value;
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue());
        }
        if (value instanceof Number) {
            return new BigDecimal(value.toString());
        }
        return new BigDecimal(value.toString().trim());
    }

    private static boolean bool(Object value) {
        String text = value.toString().trim().toLowerCase(java.util.Locale.ROOT);
        switch (text) {
            case "t": case "true": case "1": case "y": case "yes": case "on":
                return true;
            case "f": case "false": case "0": case "n": case "no": case "off":
                return false;
            default:
                throw new IllegalArgumentException("not a boolean: " + value);
        }
    }
}
