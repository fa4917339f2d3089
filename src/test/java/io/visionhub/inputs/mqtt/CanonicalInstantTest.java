package io.visionhub.inputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.visionhub.event.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The MQTT input reads instants by arithmetic where they have the hub's own form and leaves the rest to the event
 * mapping's deserializer: both must give the same instant, or both refuse with the same message, for every string.
 */
class CanonicalInstantTest {

    private static final ObjectMapper STANDARD = EventJson.mapper();
    private static final ObjectMapper INPUT = CanonicalInstantDeserializer.into(EventJson.mapper());

    @Test
    void sameInstantOrSameRefusalAsTheEventMapping() {
        List<String> times = new ArrayList<>(List.of(
                "2026-12-05T21:36:09Z",
                "2026-12-05T21:36:09.4Z",
                "2026-12-05T21:36:09.449521546Z",
                "2026-12-05T21:36:09.000000000Z",
                "0000-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999999Z",
                "9999-12-31T23:59:59.999999999Z",
                "2024-02-29T12:00:00Z", // leap year
                "2000-02-29T12:00:00Z", // leap (divisible by 400)
                "1900-02-29T12:00:00Z", // not leap (divisible by 100)
                "2023-02-29T12:00:00Z",
                "2026-04-31T12:00:00Z",
                "2026-00-10T12:00:00Z",
                "2026-13-10T12:00:00Z",
                "2026-12-00T12:00:00Z",
                "2026-12-32T12:00:00Z",
                "2026-12-05T24:00:00Z",
                "2026-12-31T23:59:60Z", // leap second
                "2026-12-05T23:60:00Z",
                "2026-12-05T21:36:09.Z",
                "2026-12-05T21:36:09.1234567891Z", // ten digits of fraction
                "2026-12-05t21:36:09Z",
                "2026-12-05T21:36:09z",
                "2026-12-05 21:36:09Z",
                "2026-12-05T21:36:09+00:00",
                "2026-12-05T21:36:09.5+01:00",
                "2026-12-05T21:36:09-0130",
                " 2026-12-05T21:36:09Z",
                "2026-12-05T21:36:09Z ",
                "+12026-12-05T21:36:09Z",
                "-2026-12-05T21:36:09Z",
                "2026-1a-05T21:36:09Z",
                "2026-12-05T21:36:0٩Z", // a non-ASCII digit
                "2026-12-05",
                "1733434569",
                "1733434569.5",
                "",
                "not a time"));
        Random random = new Random(21);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L), 0);
            String s = t.toString(); // canonical, no fraction
            int digits = random.nextInt(10);
            if (digits > 0) {
                StringBuilder f = new StringBuilder(".");
                for (int d = 0; d < digits; d++) {
                    f.append((char) ('0' + random.nextInt(10)));
                }
                s = s.substring(0, s.length() - 1) + f + "Z";
            }
            times.add(s);
        }
        int fast = 0;
        for (String time : times) {
            String json = "\"" + time + "\"";
            assertThat(read(INPUT, json)).as(time).isEqualTo(read(STANDARD, json));
            if (CanonicalInstantDeserializer.canonical(time) != null) {
                fast++;
            }
        }
        assertThat(fast).as("strings read by arithmetic").isGreaterThan(20_000);
    }

    @Test
    void numbersAndNullGoToTheEventMappingToo() {
        for (String json : List.of("1733434569", "1733434569.123456789", "-1", "null", "true", "[]", "{}")) {
            assertThat(read(INPUT, json)).as(json).isEqualTo(read(STANDARD, json));
        }
    }

    /** the instant read, or the refusal's class and message */
    private static Object read(ObjectMapper mapper, String json) {
        try {
            return mapper.readValue(json, Instant.class);
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
