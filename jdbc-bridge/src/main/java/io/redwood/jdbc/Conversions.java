package io.redwood.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Calendar;
import java.util.Locale;

/**
 * A result value (never NULL: the caller checks) as each Java type the getters return, converted as
 * pgJDBC converts: numbers between numeric types with range checks, text parsed, dates and times
 * from their epoch numbers. Failures are SQLDataExceptions (22003 out of range, 22018 bad text).
 */
final class Conversions {
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

    /** PostgreSQL's text form of times: fractional seconds only as far as needed. */
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("HH:mm:ss").optionalStart().appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true)
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;
    /** Timestamps as text: space or T between date and time, fraction and offset optional. */
    private static final DateTimeFormatter PARSE_TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DATE).optionalStart().appendLiteral(' ').optionalEnd().optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendPattern("HH:mm").optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().optionalEnd()
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .toFormatter(Locale.ROOT);

    private Conversions() {}

    static Object object(Column column, Batch batch, int c, int r) throws SQLException {
        switch (column.kind) {
            case BOOLEAN:
                return bool(column, batch, c, r);
            case SMALLINT:
            case INTEGER:
                return (int) exactLong(column, batch, c, r, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
            case BIGINT:
                return exactLong(column, batch, c, r, Long.MIN_VALUE, Long.MAX_VALUE, "long");
            case REAL:
                return (float) doubleValue(column, batch, c, r);
            case DOUBLE:
                return doubleValue(column, batch, c, r);
            case DECIMAL:
                return decimal(column, batch, c, r);
            case DATE:
                return Date.valueOf(localDate(column, batch, c, r));
            case TIMESTAMP:
            case TIMESTAMPTZ:
                return timestamp(column, batch, c, r, null);
            case TIME:
                return Time.valueOf(localTime(column, batch, c, r));
            case BYTEA:
                return bytes(column, batch, c, r);
            default:
                return string(column, batch, c, r);
        }
    }

    static String string(Column column, Batch batch, int c, int r) throws SQLException {
        Object values = batch.values(c);
        switch (column.kind) {
            case BOOLEAN:
                return bool(column, batch, c, r) ? "t" : "f";
            case REAL:
                return Float.toString((float) doubleValue(column, batch, c, r));
            case DECIMAL:
                return decimal(column, batch, c, r).toPlainString();
            case DATE:
                return localDate(column, batch, c, r).format(DATE);
            case TIMESTAMP:
                return timestampText(((long[]) values)[r]);
            case TIMESTAMPTZ:
                return timestampText(((long[]) values)[r]) + "+00";
            case TIME:
                return localTime(column, batch, c, r).format(TIME);
            case BYTEA:
                return byteaText(batch.bytes(c, r));
            default:
                if (values instanceof int[]) {
                    return Integer.toString(((int[]) values)[r]);
                }
                if (values instanceof long[]) {
                    return Long.toString(((long[]) values)[r]);
                }
                if (values instanceof double[]) {
                    return Double.toString(((double[]) values)[r]);
                }
                return batch.text(c, r);
        }
    }

    private static String timestampText(long micros) {
        LocalDateTime t = localDateTime(micros);
        return t.toLocalDate().format(DATE) + " " + t.toLocalTime().format(TIME);
    }

    /** PostgreSQL's hex form of bytes. */
    private static String byteaText(byte[] bytes) {
        StringBuilder out = new StringBuilder(2 + 2 * bytes.length).append("\\x");
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return out.toString();
    }

    static boolean bool(Column column, Batch batch, int c, int r) throws SQLException {
        Object values = batch.values(c);
        if (values instanceof boolean[]) {
            return ((boolean[]) values)[r];
        }
        if (column.kind.isNumber()) {
            return decimal(column, batch, c, r).signum() != 0;
        }
        String text = string(column, batch, c, r).trim().toLowerCase(Locale.ROOT);
        switch (text) {
            case "t": case "true": case "1": case "y": case "yes": case "on":
                return true;
            case "f": case "false": case "0": case "n": case "no": case "off":
                return false;
            default:
                throw badValue(text, "boolean");
        }
    }

    /** An integral value within [min, max]; fractions are cut off, as pgJDBC does. */
    static long exactLong(Column column, Batch batch, int c, int r, long min, long max, String type) throws SQLException {
        Object values = batch.values(c);
        long value;
        if (values instanceof int[] && column.kind != ColumnKind.DATE) {
            value = ((int[]) values)[r];
        } else if (values instanceof long[] && (column.kind == ColumnKind.BIGINT || column.kind.isText())) {
            value = ((long[]) values)[r];
        } else if (values instanceof boolean[]) {
            value = ((boolean[]) values)[r] ? 1 : 0;
        } else {
            BigDecimal decimal = decimal(column, batch, c, r);
            BigInteger whole = decimal.toBigInteger();
            if (whole.bitLength() > 63) {
                throw outOfRange(decimal.toPlainString(), type);
            }
            value = whole.longValue();
        }
        if (value < min || value > max) {
            throw outOfRange(Long.toString(value), type);
        }
        return value;
    }

    static double doubleValue(Column column, Batch batch, int c, int r) throws SQLException {
        Object values = batch.values(c);
        if (values instanceof double[]) {
            return ((double[]) values)[r];
        }
        if (values instanceof float[]) {
            return ((float[]) values)[r];
        }
        if (column.kind.isText()) {
            String text = batch.text(c, r).trim();
            switch (text.toLowerCase(Locale.ROOT)) {
                case "nan": return Double.NaN;
                case "infinity": return Double.POSITIVE_INFINITY;
                case "-infinity": return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        throw badValue(text, "double");
                    }
            }
        }
        return decimal(column, batch, c, r).doubleValue();
    }

    static BigDecimal decimal(Column column, Batch batch, int c, int r) throws SQLException {
        Object values = batch.values(c);
        switch (column.kind) {
            case DECIMAL:
                if (values instanceof long[]) {
                    return BigDecimal.valueOf(((long[]) values)[r], Math.max(column.scale, 0));
                }
                return parseDecimal(batch.text(c, r));
            case BOOLEAN:
                return ((boolean[]) values)[r] ? BigDecimal.ONE : BigDecimal.ZERO;
            case SMALLINT:
            case INTEGER:
                return BigDecimal.valueOf(((int[]) values)[r]);
            case BIGINT:
                return BigDecimal.valueOf(((long[]) values)[r]);
            case REAL:
            case DOUBLE: {
                double d = doubleValue(column, batch, c, r);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw badValue(Double.toString(d), "BigDecimal");
                }
                return column.kind == ColumnKind.REAL ? new BigDecimal(Float.toString((float) d)) : BigDecimal.valueOf(d);
            }
            default:
                if (column.kind.isText()) {
                    return parseDecimal(batch.text(c, r));
                }
                throw badValue(string(column, batch, c, r), "BigDecimal");
        }
    }

    private static BigDecimal parseDecimal(String text) throws SQLException {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw badValue(text, "BigDecimal");
        }
    }

    static byte[] bytes(Column column, Batch batch, int c, int r) throws SQLException {
        if (batch.isBytes(c)) {
            return batch.bytes(c, r);
        }
        return string(column, batch, c, r).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static LocalDate localDate(Column column, Batch batch, int c, int r) throws SQLException {
        switch (column.kind) {
            case DATE:
                return LocalDate.ofEpochDay(((int[]) batch.values(c))[r]);
            case TIMESTAMP:
                return localDateTime(((long[]) batch.values(c))[r]).toLocalDate();
            case TIMESTAMPTZ:
                return offsetDateTime(column, batch, c, r).toLocalDate();
            default:
                return parseTimestamp(string(column, batch, c, r)).toLocalDate();
        }
    }

    static LocalDateTime localDateTime(Column column, Batch batch, int c, int r) throws SQLException {
        switch (column.kind) {
            case DATE:
                return localDate(column, batch, c, r).atStartOfDay();
            case TIMESTAMP:
            case TIMESTAMPTZ:
                return localDateTime(((long[]) batch.values(c))[r]);
            case TIME:
                return LocalDate.ofEpochDay(0).atTime(localTime(column, batch, c, r));
            default:
                return parseTimestamp(string(column, batch, c, r)).toLocalDateTime();
        }
    }

    static LocalTime localTime(Column column, Batch batch, int c, int r) throws SQLException {
        switch (column.kind) {
            case TIME:
                return LocalTime.ofNanoOfDay(((long[]) batch.values(c))[r] * 1000);
            case TIMESTAMP:
            case TIMESTAMPTZ:
                return localDateTime(((long[]) batch.values(c))[r]).toLocalTime();
            default: {
                String text = string(column, batch, c, r).trim();
                try {
                    return LocalTime.parse(text);
                } catch (DateTimeParseException e) {
                    throw badValue(text, "time");
                }
            }
        }
    }

    static OffsetDateTime offsetDateTime(Column column, Batch batch, int c, int r) throws SQLException {
        switch (column.kind) {
            case TIMESTAMP:
            case TIMESTAMPTZ:
            case DATE:
                return localDateTime(column, batch, c, r).atOffset(ZoneOffset.UTC);
            default:
                return parseTimestamp(string(column, batch, c, r));
        }
    }

    /**
     * A Timestamp: TIMESTAMPTZ is an instant; TIMESTAMP (and DATE) a wall-clock time, placed in
     * {@code calendar}'s zone or, without one, the JVM's (as pgJDBC does).
     */
    static Timestamp timestamp(Column column, Batch batch, int c, int r, Calendar calendar) throws SQLException {
        if (column.kind == ColumnKind.TIMESTAMPTZ) {
            long micros = ((long[]) batch.values(c))[r];
            Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND),
                    Math.floorMod(micros, MICROS_PER_SECOND) * 1000);
            return Timestamp.from(instant);
        }
        LocalDateTime local = localDateTime(column, batch, c, r);
        return calendar == null ? Timestamp.valueOf(local) : Timestamp.from(local.atZone(calendar.getTimeZone().toZoneId()).toInstant());
    }

    static Date date(Column column, Batch batch, int c, int r, Calendar calendar) throws SQLException {
        LocalDate date = column.kind == ColumnKind.TIMESTAMPTZ
                ? timestamp(column, batch, c, r, null).toLocalDateTime().toLocalDate()
                : localDate(column, batch, c, r);
        return calendar == null ? Date.valueOf(date)
                : new Date(date.atStartOfDay(calendar.getTimeZone().toZoneId()).toInstant().toEpochMilli());
    }

    static Time time(Column column, Batch batch, int c, int r, Calendar calendar) throws SQLException {
        LocalTime time = localTime(column, batch, c, r);
        return calendar == null ? Time.valueOf(time)
                : new Time(time.atDate(LocalDate.ofEpochDay(0)).atZone(calendar.getTimeZone().toZoneId()).toInstant().toEpochMilli());
    }

    private static LocalDateTime localDateTime(long micros) {
        long days = Math.floorDiv(micros, MICROS_PER_DAY);
        long microOfDay = Math.floorMod(micros, MICROS_PER_DAY);
        return LocalDate.ofEpochDay(days).atTime(LocalTime.ofNanoOfDay(microOfDay * 1000));
    }

    private static OffsetDateTime parseTimestamp(String text) throws SQLException {
        String trimmed = text.trim();
        try {
            java.time.temporal.TemporalAccessor parsed = PARSE_TIMESTAMP.parse(trimmed);
            LocalDateTime local = LocalDateTime.of(LocalDate.from(parsed), LocalTime.from(parsed));
            ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
            return local.atOffset(offset);
        } catch (DateTimeParseException e) {
            throw badValue(trimmed, "timestamp");
        }
    }

    static SQLException badValue(String value, String type) {
        return Errors.of(Errors.INVALID_CHARACTER_VALUE_FOR_CAST, "Bad value for type " + type + " : " + value);
    }

    static SQLException outOfRange(String value, String type) {
        return Errors.of(Errors.NUMERIC_VALUE_OUT_OF_RANGE, "Bad value for type " + type + " : " + value + " (out of range)");
    }
}
