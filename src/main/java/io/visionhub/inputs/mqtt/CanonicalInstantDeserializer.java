package io.visionhub.inputs.mqtt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;

/**
 * Reads an {@link Instant} in the form the hub writes ({@code 2026-12-05T21:36:09.449521546Z}: four-digit year, upper
 * case {@code T} and {@code Z}, 0 to 9 digits of fraction) by arithmetic, and hands every other value, valid or not,
 * to the deserializer the event mapping ({@code EventJson}) uses, so that what is accepted, the instant read and
 * every error message stay the same. The standard one parses with {@code DateTimeFormatter.ISO_INSTANT}, which cost
 * a fifth of the MQTT input's schema check and read (two instants per event); {@code CanonicalInstantTest} holds the
 * two to the same result over valid and invalid times.
 */
final class CanonicalInstantDeserializer extends StdScalarDeserializer<Instant> {

    private static final long serialVersionUID = 1L;

    private final transient JsonDeserializer<Object> standard;

    private CanonicalInstantDeserializer(JsonDeserializer<Object> standard) {
        super(Instant.class);
        this.standard = standard;
    }

    /** A copy of {@code mapping} whose instants are read by this deserializer (the rest by {@code mapping}'s own). */
    static ObjectMapper into(ObjectMapper mapping) {
        JsonDeserializer<Object> standard;
        try {
            DefaultDeserializationContext ctxt = ((DefaultDeserializationContext) mapping.getDeserializationContext())
                    .createInstance(mapping.getDeserializationConfig(), null, null);
            standard = ctxt.findRootValueDeserializer(mapping.constructType(Instant.class));
        } catch (IOException e) {
            throw new IllegalStateException("the event mapping has no deserializer for java.time.Instant", e);
        }
        return mapping.copy()
                .registerModule(new SimpleModule("canonical-instant")
                        .addDeserializer(Instant.class, new CanonicalInstantDeserializer(standard)));
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            Instant fast = canonical(p.getText());
            if (fast != null) {
                return fast;
            }
        }
        return (Instant) standard.deserialize(p, ctxt);
    }

    /** The instant of {@code s} when it has the canonical form with every field in range, else null. */
    static Instant canonical(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || n == 21 || s.charAt(n - 1) != 'Z') {
            return null;
        }
        if (s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null; // (hour 24, leap second 60 and the like: the standard deserializer decides)
        }
        if (day > java.time.Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.') {
                return null;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The decimal number in s[from, to), or -1 if a character there is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
