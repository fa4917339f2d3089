package io.visionhub.web.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.api.InspectionSummary;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The review queue with a large backlog (6,000 inspections, 3,000 of them NG or UNCERTAIN, of which 2,160 still
 * await: the others dispositioned one by one or by lot) on the shipped H2 settings, migrated by Flyway: a page is the newest awaiting
 * parts in order, a larger page extends the smaller one, the count is every awaiting part (per filter too), and each
 * card's similar inspections are the newest of its station with its defect class, from one query for the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewQueuePagingTest {

    private static final String[] STATIONS = {"st-a", "st-b", "st-c"};
    private static final String[] CLASSES = {"scratch", "dent"};
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    static Path dir;

    HikariDataSource ds;
    ReviewQueue queue;
    /** The parts that await, as the test wrote them, newest first. */
    final List<Row> AWAITING = new ArrayList<>();

    /** The database, migrated by Flyway (PostgreSQL in {@link ReviewQueuePagingPostgresTest}). */
    HikariDataSource open() {
        return LedgerTestSupport.h2(dir);
    }

    void close(HikariDataSource db) {
        db.close();
    }

    record Row(String id, long seq, String station, String order, String batch, String result, String cls) {}

    @BeforeAll
    void backlog() {
        ds = open();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        List<Row> all = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            String result = i % 2 == 0 ? "OK" : i % 3 == 0 ? "UNCERTAIN" : "NG";
            all.add(new Row(
                    "insp-" + i,
                    i + 1,
                    STATIONS[i % 3],
                    "PO-" + (i / 1500),
                    "LOT-" + (i / 300),
                    result,
                    result.equals("NG") ? CLASSES[(i / 7) % 2] : null));
        }
        List<Object[]> inspections = new ArrayList<>();
        List<Object[]> defects = new ArrayList<>();
        for (Row r : all) {
            inspections.add(new Object[] {
                r.id(), r.seq(), r.station(), "line-1", r.order(), r.batch(), r.result(), at(r.seq()), "{}"
            });
            if (r.cls() != null) {
                defects.add(new Object[] {r.id(), r.cls()});
            }
        }
        jdbc.batchUpdate(
                "INSERT INTO inspection (id, ledger_seq, station, line, production_order, batch, result, capture_time,"
                        + " event_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                inspections);
        jdbc.batchUpdate(
                "INSERT INTO inspection_defect (inspection_id, idx, defect_class, confidence) VALUES (?, 0, ?, 0.9)",
                defects);
        // decided: every 10th NG/UNCERTAIN part on its own, and the whole of LOT-3 and LOT-17
        List<Object[]> decided = new ArrayList<>();
        long seq = 100_000;
        for (Row r : all) {
            if (!r.result().equals("OK") && (r.seq() % 10 == 0)) {
                decided.add(disposition("INSPECTION", r.id(), ++seq));
            }
        }
        decided.add(disposition("LOT", "LOT-3", ++seq));
        decided.add(disposition("LOT", "LOT-17", ++seq));
        jdbc.batchUpdate(
                "INSERT INTO disposition (id, ledger_seq, target_type, target_id, target_hash, target_count,"
                        + " disposition, reason, meaning, user_name, printed_name, signed_at, signature_hash)"
                        + " VALUES (?, ?, ?, ?, 'h', 1, 'REJECT', 'r', 'm', 'u', 'U', ?, 's')",
                decided);
        for (int i = all.size() - 1; i >= 0; i--) {
            Row r = all.get(i);
            if (!r.result().equals("OK")
                    && r.seq() % 10 != 0
                    && !r.batch().equals("LOT-3")
                    && !r.batch().equals("LOT-17")) {
                AWAITING.add(r);
            }
        }
        queue = new ReviewQueue(new NamedParameterJdbcTemplate(ds), 6);
    }

    @AfterAll
    void close() {
        close(ds);
    }

    private static Timestamp at(long seq) {
        return Timestamp.from(T0.plusSeconds(seq));
    }

    private static Object[] disposition(String type, String target, long seq) {
        return new Object[] {"d-" + seq, seq, type, target, at(seq)};
    }

    private static List<String> ids(ReviewQueue.Page page) {
        return page.items().stream().map(i -> i.inspection().id()).toList();
    }

    private List<String> expected(Predicate<Row> filter, int n) {
        return AWAITING.stream().filter(filter).limit(n).map(Row::id).toList();
    }

    @Test
    void aPageIsTheNewestAwaitingPartsAndTheCountIsTheWholeBacklog() {
        assertThat(AWAITING).hasSizeGreaterThan(2000); // the backlog is large
        ReviewQueue.Page first = queue.page(ReviewQueue.Filter.of(null, null, null), ReviewController.PAGE_SIZE);
        assertThat(first.awaiting()).isEqualTo(AWAITING.size());
        assertThat(ids(first)).containsExactlyElementsOf(expected(r -> true, ReviewController.PAGE_SIZE));
        assertThat(first.lines()).containsExactly("line-1");
        assertThat(first.stations()).containsExactly(STATIONS);
        assertThat(first.orders()).containsExactly("PO-0", "PO-1", "PO-2", "PO-3");

        // "Show more": the larger page starts with the smaller one and goes on in order, the count unchanged
        ReviewQueue.Page more = queue.page(
                ReviewQueue.Filter.of(null, null, null),
                ReviewController.shown(first.items().size(), true));
        assertThat(ids(more))
                .hasSize(2 * ReviewController.PAGE_SIZE)
                .startsWith(ids(first).toArray(String[]::new));
        assertThat(ids(more)).containsExactlyElementsOf(expected(r -> true, 2 * ReviewController.PAGE_SIZE));
        assertThat(more.awaiting()).isEqualTo(AWAITING.size());

        // deep in the backlog: the oldest awaiting parts come last, none decided (by part or by lot) among them
        ReviewQueue.Page all = queue.page(ReviewQueue.Filter.of(null, null, null), AWAITING.size() + 10);
        assertThat(ids(all))
                .containsExactlyElementsOf(AWAITING.stream().map(Row::id).toList());
    }

    @Test
    void theCountAndThePageFollowTheFilters() {
        Map<String, Long> perStation = new TreeMap<>();
        AWAITING.forEach(r -> perStation.merge(r.station(), 1L, Long::sum));
        for (String s : STATIONS) {
            ReviewQueue.Page p = queue.page(ReviewQueue.Filter.of(null, s, null), 5);
            assertThat(p.awaiting()).as(s).isEqualTo(perStation.get(s));
            assertThat(ids(p))
                    .containsExactlyElementsOf(expected(r -> r.station().equals(s), 5));
            // the filters still offer every value, not only the filtered one
            assertThat(p.stations()).containsExactly(STATIONS);
        }
        ReviewQueue.Page both = queue.page(ReviewQueue.Filter.of("line-1", "st-b", "PO-2"), 7);
        Predicate<Row> f = r -> r.station().equals("st-b") && r.order().equals("PO-2");
        assertThat(both.awaiting()).isEqualTo(AWAITING.stream().filter(f).count());
        assertThat(ids(both)).containsExactlyElementsOf(expected(f, 7));
        assertThat(queue.page(ReviewQueue.Filter.of("line-9", null, null), 5).awaiting())
                .isZero();
    }

    @Test
    void eachCardsSimilarPartsAreTheNewestOfItsStationAndDefectClass() {
        ReviewQueue.Page page = queue.page(ReviewQueue.Filter.of(null, null, null), ReviewController.PAGE_SIZE);
        for (ReviewQueue.Item item : page.items()) {
            InspectionSummary i = item.inspection();
            Row self = AWAITING.stream()
                    .filter(r -> r.id().equals(i.id()))
                    .findFirst()
                    .orElseThrow();
            // every inspection of the station with that class (decided or not), newest first, without the card itself
            List<String> like = new ArrayList<>();
            for (long seq = 6000; seq >= 1 && like.size() < 6; seq--) {
                int n = (int) seq - 1;
                String result = n % 2 == 0 ? "OK" : n % 3 == 0 ? "UNCERTAIN" : "NG";
                String cls = result.equals("NG") ? CLASSES[(n / 7) % 2] : null;
                boolean same = STATIONS[n % 3].equals(self.station())
                        && (self.cls() == null
                                ? result.equals("UNCERTAIN")
                                : self.cls().equals(cls));
                if (same && !("insp-" + n).equals(self.id())) {
                    like.add("insp-" + n);
                }
            }
            assertThat(item.mainClass()).isEqualTo(self.cls());
            assertThat(item.similar().stream().map(ReviewQueue.Similar::id))
                    .as("similar to %s", self)
                    .containsExactlyElementsOf(like);
        }
    }

    @Test
    void aRefreshRendersAsManyCardsAsThePageShowedWithinBounds() {
        assertThat(ReviewController.shown(null, false)).isEqualTo(ReviewController.PAGE_SIZE);
        assertThat(ReviewController.shown(3, false)).isEqualTo(ReviewController.PAGE_SIZE);
        assertThat(ReviewController.shown(-5, true)).isEqualTo(2 * ReviewController.PAGE_SIZE);
        assertThat(ReviewController.shown(60, false)).isEqualTo(60);
        assertThat(ReviewController.shown(60, true)).isEqualTo(60 + ReviewController.PAGE_SIZE);
        assertThat(ReviewController.shown(Integer.MAX_VALUE, true)).isEqualTo(ReviewController.MAX_SHOWN);
    }
}
