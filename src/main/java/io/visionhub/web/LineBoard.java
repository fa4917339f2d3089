package io.visionhub.web;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.quality.QualityListener;
import io.visionhub.quality.alarm.AlarmBoard;
import io.visionhub.quality.alarm.QualityAlarm;
import io.visionhub.quality.oee.QualityRate;
import io.visionhub.quality.oee.QualityRateService;
import io.visionhub.quality.oee.QualityRates;
import io.visionhub.web.LineViews.Alarm;
import io.visionhub.web.LineViews.Context;
import io.visionhub.web.LineViews.Counts;
import io.visionhub.web.LineViews.Rate;
import io.visionhub.web.LineViews.Result;
import io.visionhub.web.LineViews.Screen;
import io.visionhub.web.LineViews.Station;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * What the line screens show, kept in memory per line once a screen has opened it (loaded from the ledger's
 * tables, then kept current by the live feed): the last results per station, the OK/NG/UNCERTAIN counts of the
 * current order and shift, and the current dispositions of those results. It hears each recorded inspection and
 * each new disposition as a {@link QualityListener}: on the inspection's thread it only updates memory, and hands
 * the rendering and sending to the browsers to its own thread (a bounded queue; {@link LiveStream} never blocks).
 */
public class LineBoard implements QualityListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LineBoard.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final WebProperties props;
    private final LineDirectory directory;
    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectProvider<DispositionQueries> dispositions;
    private final ObjectProvider<QualityRates> rates;
    private final ObjectProvider<AlarmBoard> alarms;
    private final ObjectProvider<ProductionContextStore> contexts;
    private final LiveStream stream;
    private final LineFragments fragments;
    private final PlantStates states;
    private final ZoneId zone;
    private final Map<String, LineState> lines = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor render;
    private final AtomicLong renderDropped = new AtomicLong();
    private final ScheduledExecutorService pulse = SingleThreadExecutors.scheduled(null, this, "web-line-states");
    private volatile List<LineViews.State> lastStates = List.of();

    public LineBoard(
            WebProperties props,
            LineDirectory directory,
            NamedParameterJdbcTemplate jdbc,
            ObjectProvider<DispositionQueries> dispositions,
            ObjectProvider<QualityRates> rates,
            ObjectProvider<AlarmBoard> alarms,
            ObjectProvider<ProductionContextStore> contexts,
            LiveStream stream,
            LineFragments fragments,
            PlantStates states) {
        this.props = props;
        this.directory = directory;
        this.jdbc = jdbc;
        this.dispositions = dispositions;
        this.rates = rates;
        this.alarms = alarms;
        this.contexts = contexts;
        this.stream = stream;
        this.fragments = fragments;
        this.states = states;
        this.zone = ZoneId.systemDefault();
        // one renderer: fragments are rendered once per burst and line, whatever the number of browsers (bursts are
        // batched, so its queue holds a few tasks per line; should it ever hold 10 000, new updates are dropped)
        this.render = new ThreadPoolExecutor(
                1,
                1,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(10_000),
                r -> {
                    Thread t = new Thread(r, "web-line-render");
                    t.setDaemon(true);
                    return t;
                },
                (r, pool) -> {
                    if (!pool.isShutdown() && renderDropped.getAndIncrement() == 0) {
                        LOG.warn("the line screens' renderer fell 10 000 tasks behind: dropping updates");
                    }
                    throw new java.util.concurrent.RejectedExecutionException("line screen renderer full");
                });
        this.render.allowCoreThreadTimeOut(true);
    }

    /**
     * Listens to the alarm board, where the hub has one (SPC), and every {@code state-interval} sends the
     * connection states when they changed (else a keep-alive) to the watched lines.
     */
    public void start() {
        alarms.ifAvailable(b -> b.addListener(this::onAlarm));
        // the rate service says when a rate changed (after it counted the inspection or disposition, whichever
        // listener runs first)
        if (rates.getIfAvailable() instanceof QualityRateService service) {
            service.addChangeListener(v -> pushRates(v.line()));
        }
        pulse.scheduleWithFixedDelay(
                this::pulse,
                props.stateInterval().toMillis(),
                props.stateInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void pulse() {
        try {
            Set<String> watched = stream.watchedLines();
            if (watched.isEmpty()) {
                return;
            }
            List<LineViews.State> now = states.current();
            if (now.equals(lastStates)) {
                stream.ping();
                return;
            }
            lastStates = now;
            LiveStream.Message m = fragments.states(now);
            watched.forEach(line -> stream.publish(line, List.of(m)));
        } catch (RuntimeException e) {
            LOG.warn("line screen state update failed: {}", e.toString(), e);
        }
    }

    // ---- the live feed (caller's thread: memory only) ----

    @Override
    public void onInspection(InspectionEvent e) {
        if (e.line() == null || e.station() == null || e.id() == null) {
            return; // nothing a line screen could place
        }
        directory.saw(e.line(), e.station());
        LineState s = lines.get(e.line());
        if (s == null) {
            return; // no screen has opened this line yet: it will load from the ledger when one does
        }
        Result r = result(e, null);
        s.apply(r, tallyKey(e.context()), e.context());
        if (stream.watched(e.line())) {
            pushResults(s, r);
            pushRates(e.line());
        }
    }

    /**
     * Queues a new result for the line's screens. Results that arrive while the renderer is busy go out together
     * in one message (per station: the newest frame, counts, and the new rows), so a burst costs one render, not
     * one per result, and a screen never lags behind a fast line.
     */
    private void pushResults(LineState s, Result r) {
        synchronized (s.live) {
            s.live.add(r);
            // more than a screen shows is never sent: keep the newest
            int max = props.recentResults() * Math.max(1, s.stationCount());
            while (s.live.size() > max) {
                s.live.remove(0);
            }
        }
        coalesce(s.liveUpdate, () -> {
            List<Result> batch;
            synchronized (s.live) {
                batch = new ArrayList<>(s.live);
                s.live.clear();
            }
            if (batch.isEmpty()) {
                return;
            }
            Map<String, List<Result>> byStation = new LinkedHashMap<>();
            for (int i = batch.size() - 1; i >= 0; i--) { // newest first
                byStation
                        .computeIfAbsent(batch.get(i).station(), x -> new ArrayList<>())
                        .add(batch.get(i));
            }
            List<LineViews.StationUpdate> updates = new ArrayList<>();
            byStation.forEach((station, rows) -> updates.add(new LineViews.StationUpdate(station(s, station), rows)));
            stream.publish(s.line, List.of(fragments.inspections(updates, context(s))));
        });
    }

    /**
     * Runs {@code work} on the renderer once for any number of calls made before it runs, and at most once per
     * {@code update-interval}: a line inspecting thousands of parts a second costs its screens ten renders a second,
     * not thousands (a person reads no faster), while a single result still goes out at once.
     */
    private void coalesce(Coalesced c, Runnable work) {
        if (!c.pending.compareAndSet(false, true)) {
            return;
        }
        Runnable task = () -> {
            c.pending.set(false);
            c.lastNanos = System.nanoTime();
            work.run();
        };
        long wait = c.lastNanos == 0 ? 0 : c.lastNanos + props.updateInterval().toNanos() - System.nanoTime();
        if (wait <= 0) {
            if (!submit(task)) {
                c.pending.set(false);
            }
            return;
        }
        try {
            pulse.schedule(
                    () -> {
                        if (!submit(task)) {
                            c.pending.set(false);
                        }
                    },
                    wait,
                    TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            c.pending.set(false); // shutting down
        }
    }

    /** One kind of update of one line: whether one is queued, and when the last one was rendered. */
    static final class Coalesced {
        final java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean();
        volatile long lastNanos;
    }

    @Override
    public void onDisposition(SignedDisposition d) {
        if ("INSPECTION".equals(d.targetType())) {
            for (LineState s : lines.values()) {
                Result changed = s.dispose(d.targetId(), d.disposition());
                if (changed != null && stream.watched(s.line)) {
                    submit(() -> stream.publish(s.line, List.of(fragments.disposition(changed))));
                }
            }
        }
        // a lot, or an inspection of any line: quality rates may change on every watched line
        stream.watchedLines().forEach(this::pushRates);
    }

    /**
     * Sends the line's rates to its screens, once for any number of changes that come before the renderer gets to
     * it (each inspection changes the line's and its station's rate).
     */
    void pushRates(String line) {
        LineState s = lines.get(line);
        if (s == null || !stream.watched(line)) {
            return;
        }
        coalesce(s.rateUpdate, () -> stream.publish(line, List.of(fragments.rates(rateViews(s)))));
    }

    void onAlarm(QualityAlarm a) {
        if (a.line() != null && stream.watched(a.line())) {
            submit(() -> stream.publish(a.line(), List.of(fragments.alarms(alarmViews(a.line()), true))));
        }
    }

    /** Hands a task to the renderer; false when it is full (the caller forgets its pending mark). */
    private boolean submit(Runnable task) {
        try {
            render.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException ex) {
                    LOG.warn("line screen update failed: {}", ex.toString(), ex);
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    // ---- the page ----

    /** The whole screen of a line (loads the line from the ledger the first time). */
    public Screen screen(String line) {
        LineState s = load(line);
        List<Station> stations = new ArrayList<>();
        for (String st : s.stationNames()) {
            stations.add(station(s, st));
        }
        AlarmBoard board = alarms.getIfAvailable();
        return new Screen(
                line,
                context(s),
                lineRate(line),
                stations,
                states.current(),
                board == null ? List.of() : alarmViews(line),
                board != null,
                props.recentResults());
    }

    /** The state of a line for the stream's first events (everything the page may have missed while connecting). */
    List<LiveStream.Message> snapshot(String line) {
        LineState s = load(line);
        return List.of(
                fragments.rates(rateViews(s)),
                fragments.alarms(alarmViews(line), alarms.getIfAvailable() != null),
                fragments.states(states.current()));
    }

    Station station(LineState s, String station) {
        return s.view(station, stationRate(s.line, station));
    }

    private Map<String, Rate> rateViews(LineState s) {
        Map<String, Rate> out = new LinkedHashMap<>();
        out.put("rate-line", lineRate(s.line));
        for (String st : s.stationNames()) {
            out.put("rate-st-" + LineViews.domId(st), stationRate(s.line, st));
        }
        return out;
    }

    private Rate lineRate(String line) {
        return rate(line, null);
    }

    private Rate stationRate(String line, String station) {
        return rate(line, station);
    }

    private Rate rate(String line, String station) {
        QualityRates q = rates.getIfAvailable();
        if (q == null) {
            return Rate.NONE;
        }
        QualityRates.QualityRateView v;
        try {
            v = q.current(line, station);
        } catch (RuntimeException e) {
            LOG.warn("quality rate of {} {} failed: {}", line, station == null ? "" : station, e.toString());
            return Rate.NONE;
        }
        QualityRate r = v == null ? null : v.rate();
        if (r == null || r.total() == 0) {
            return new Rate("—", "no part inspected in this order and shift yet", "rate-none");
        }
        double pct = r.rate() * 100;
        StringBuilder detail =
                new StringBuilder("good ").append(r.good()).append(" of ").append(r.total());
        if (r.rework() > 0) {
            detail.append(" · rework ").append(r.rework());
        }
        if (r.scrap() > 0) {
            detail.append(" · scrap ").append(r.scrap());
        }
        if (r.rejectedUndecided() > 0) {
            detail.append(" · NG undecided ").append(r.rejectedUndecided());
        }
        if (r.pending() > 0) {
            detail.append(" · uncertain pending ").append(r.pending());
        }
        String css = pct >= 95 ? "rate-ok" : pct >= 85 ? "rate-warn" : "rate-bad";
        return new Rate(String.format(Locale.ROOT, "%.1f %%", pct), detail.toString(), css);
    }

    private List<Alarm> alarmViews(String line) {
        AlarmBoard board = alarms.getIfAvailable();
        if (board == null) {
            return List.of();
        }
        return board.active(line).stream()
                .map(a -> new Alarm(
                        a.id(),
                        a.severity(),
                        a.station(),
                        a.rule(),
                        a.message(),
                        a.raised() == null ? "" : TIME.format(a.raised().atZone(zone))))
                .toList();
    }

    private Context context(LineState s) {
        ProductionContext c = s.context;
        if (c == null) {
            ProductionContextStore store = contexts.getIfAvailable();
            c = store == null ? null : store.latest(s.line).orElse(null);
        }
        return c == null ? Context.NONE : new Context(c.productionOrder(), c.product(), c.batch(), c.shift());
    }

    // ---- loading from the ledger's tables ----

    private LineState load(String line) {
        LineState s = lines.computeIfAbsent(line, LineState::new);
        if (s.loaded) {
            return s;
        }
        synchronized (s.loadLock) {
            if (s.loaded) {
                return s;
            }
            int n = props.recentResults();
            int stations = Math.max(1, directory.stations(line).size());
            int limit = Math.min(5000, n * stations * 2);
            List<ProductionContext> rowContexts = new ArrayList<>();
            List<Result> rows = jdbc.query(
                    "SELECT id, station, result, capture_time, part_id, anomaly_score, annotated_sha256, "
                            + "production_order, product, batch, shift FROM inspection WHERE line = :line "
                            + "ORDER BY capture_time DESC FETCH FIRST " + limit + " ROWS ONLY",
                    new MapSqlParameterSource("line", line),
                    (rs, i) -> {
                        if (i == 0) {
                            rowContexts.add(new ProductionContext(
                                    line,
                                    rs.getString("production_order"),
                                    rs.getString("product"),
                                    null,
                                    null,
                                    rs.getString("batch"),
                                    null,
                                    rs.getString("shift"),
                                    null,
                                    null,
                                    0,
                                    null));
                        }
                        return row(rs);
                    });
            Map<String, String> current = currentDispositions(rows);
            // the line's current context; without one (no MES push since start), the newest recorded inspection's
            ProductionContextStore store = contexts.getIfAvailable();
            ProductionContext ctx = store == null ? null : store.latest(line).orElse(null);
            if (ctx == null && !rowContexts.isEmpty()) {
                ctx = rowContexts.get(0);
            }
            String key = tallyKey(ctx);
            Map<String, Counts> counts = counts(line, ctx);
            s.fill(
                    rows.stream()
                            .map(r -> r.withDisposition(current.get(r.id())))
                            .toList(),
                    directory.stations(line),
                    key,
                    counts,
                    ctx);
            return s;
        }
    }

    private Result row(ResultSet rs) throws SQLException {
        OffsetDateTime t = rs.getObject("capture_time", OffsetDateTime.class);
        double score = rs.getDouble("anomaly_score");
        boolean noScore = rs.wasNull();
        Instant at = t == null ? Instant.EPOCH : t.toInstant();
        return new Result(
                rs.getString("id"),
                rs.getString("station"),
                rs.getString("result"),
                TIME.format(at.atZone(zone)),
                at.toEpochMilli(),
                rs.getString("part_id"),
                noScore ? null : String.format(Locale.ROOT, "%.3f", score),
                null,
                rs.getString("annotated_sha256") != null,
                null);
    }

    private Map<String, String> currentDispositions(List<Result> rows) {
        DispositionQueries q = dispositions.getIfAvailable();
        if (q == null || rows.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        for (SignedDisposition d : q.forTargets(rows.stream().map(Result::id).toList())) {
            if ("INSPECTION".equals(d.targetType()) && d.supersededBy() == null) {
                out.put(d.targetId(), d.disposition());
            }
        }
        return out;
    }

    private Map<String, Counts> counts(String line, ProductionContext ctx) {
        MapSqlParameterSource p = new MapSqlParameterSource("line", line);
        StringBuilder sql =
                new StringBuilder("SELECT station, result, COUNT(*) AS n FROM inspection WHERE line = :line");
        if (ctx == null || ctx.productionOrder() == null) {
            sql.append(" AND production_order IS NULL");
        } else {
            sql.append(" AND production_order = :o");
            p.addValue("o", ctx.productionOrder());
        }
        if (ctx == null || ctx.shift() == null) {
            sql.append(" AND shift IS NULL");
        } else {
            sql.append(" AND shift = :s");
            p.addValue("s", ctx.shift());
        }
        sql.append(" GROUP BY station, result");
        Map<String, Counts> out = new TreeMap<>();
        jdbc.query(sql.toString(), p, rs -> {
            String st = rs.getString("station");
            long n = rs.getLong("n");
            Counts c = out.getOrDefault(st, Counts.ZERO);
            out.put(
                    st,
                    switch (rs.getString("result")) {
                        case "OK" -> new Counts(c.ok() + n, c.ng(), c.uncertain());
                        case "NG" -> new Counts(c.ok(), c.ng() + n, c.uncertain());
                        default -> new Counts(c.ok(), c.ng(), c.uncertain() + n);
                    });
        });
        return out;
    }

    private Result result(InspectionEvent e, String disposition) {
        Instant at = e.captureTime() == null ? Instant.now() : e.captureTime();
        String defects = e.defects().isEmpty()
                ? null
                : e.defects().stream()
                        .collect(Collectors.groupingBy(Defect::defectClass, TreeMap::new, Collectors.counting()))
                        .entrySet()
                        .stream()
                        .map(x -> x.getValue() > 1 ? x.getKey() + " ×" + x.getValue() : x.getKey())
                        .collect(Collectors.joining(", "));
        return new Result(
                e.id(),
                e.station(),
                e.result() == null ? "UNCERTAIN" : e.result().name(),
                TIME.format(at.atZone(zone)),
                at.toEpochMilli(),
                e.partId(),
                e.anomalyScore() == null ? null : String.format(Locale.ROOT, "%.3f", e.anomalyScore()),
                defects,
                e.image() != null && e.image().annotatedSha256() != null,
                disposition);
    }

    private static String tallyKey(ProductionContext c) {
        return c == null ? "|" : Objects.toString(c.productionOrder(), "") + "|" + Objects.toString(c.shift(), "");
    }

    /** Updates dropped because the renderer fell 10 000 behind, since start (the screens reloaded). */
    public long renderDropped() {
        return renderDropped.get();
    }

    @Override
    public void close() {
        pulse.shutdownNow();
        render.shutdownNow();
    }

    /** One line in memory. Guarded by itself; the loader fills it once, events that come meanwhile wait in pending. */
    final class LineState {
        final String line;
        final Object loadLock = new Object();
        volatile boolean loaded;
        volatile ProductionContext context;
        final Coalesced rateUpdate = new Coalesced();
        final Coalesced liveUpdate = new Coalesced();
        /** New results not yet sent to the screens (guarded by itself). */
        final List<Result> live = new ArrayList<>();

        private final Map<String, StationState> stations = new TreeMap<>();
        private final List<Object[]> pending = new ArrayList<>();

        LineState(String line) {
            this.line = line;
        }

        synchronized int stationCount() {
            return stations.size();
        }

        synchronized List<String> stationNames() {
            return List.copyOf(stations.keySet());
        }

        synchronized void apply(Result r, String key, ProductionContext ctx) {
            if (!loaded) {
                pending.add(new Object[] {r, key, ctx});
                return;
            }
            if (ctx != null) {
                context = ctx;
            }
            stations.computeIfAbsent(r.station(), x -> new StationState()).add(r, key, props.recentResults());
        }

        synchronized Result dispose(String inspectionId, String disposition) {
            for (StationState st : stations.values()) {
                Result changed = st.dispose(inspectionId, disposition);
                if (changed != null) {
                    return changed;
                }
            }
            return null;
        }

        synchronized void fill(
                List<Result> newestFirst,
                java.util.Collection<String> known,
                String key,
                Map<String, Counts> counts,
                ProductionContext ctx) {
            known.forEach(st -> stations.computeIfAbsent(st, x -> new StationState()));
            List<Result> oldestFirst = new ArrayList<>(newestFirst);
            java.util.Collections.reverse(oldestFirst);
            for (Result r : oldestFirst) {
                stations.computeIfAbsent(r.station(), x -> new StationState()).remember(r, props.recentResults());
            }
            counts.forEach((st, c) ->
                    stations.computeIfAbsent(st, x -> new StationState()).setCounts(key, c));
            stations.values().forEach(st -> st.setCountsIfNone(key));
            if (context == null) {
                context = ctx;
            }
            loaded = true;
            for (Object[] p : pending) {
                Result r = (Result) p[0];
                StationState st = stations.computeIfAbsent(r.station(), x -> new StationState());
                if (!st.has(r.id())) {
                    apply(r, (String) p[1], (ProductionContext) p[2]);
                }
            }
            pending.clear();
        }

        synchronized Station view(String station, Rate rate) {
            StationState st = stations.get(station);
            List<Result> recent = st == null ? List.of() : List.copyOf(st.recent);
            Counts counts = st == null ? Counts.ZERO : st.counts;
            return new Station(
                    line,
                    station,
                    LineViews.domId(station),
                    recent.isEmpty() ? null : recent.get(0),
                    recent,
                    counts,
                    rate);
        }
    }

    /** One station: its newest results first, and the counts of the order and shift named by {@code key}. */
    static final class StationState {
        final Deque<Result> recent = new ArrayDeque<>();
        String key;
        Counts counts = Counts.ZERO;

        void add(Result r, String tallyKey, int max) {
            if (has(r.id())) {
                return;
            }
            remember(r, max);
            if (!tallyKey.equals(key)) {
                key = tallyKey; // a new order or shift: its counts start from zero
                counts = Counts.ZERO;
            }
            counts = counts.plus(r.result());
        }

        void remember(Result r, int max) {
            recent.addFirst(r);
            while (recent.size() > max) {
                recent.removeLast();
            }
        }

        boolean has(String id) {
            return recent.stream().anyMatch(x -> x.id().equals(id));
        }

        void setCounts(String tallyKey, Counts c) {
            key = tallyKey;
            counts = c;
        }

        void setCountsIfNone(String tallyKey) {
            if (key == null) {
                key = tallyKey;
            }
        }

        Result dispose(String id, String disposition) {
            List<Result> copy = new ArrayList<>(recent);
            for (int i = 0; i < copy.size(); i++) {
                if (copy.get(i).id().equals(id)) {
                    Result changed = copy.get(i).withDisposition(disposition);
                    copy.set(i, changed);
                    recent.clear();
                    recent.addAll(copy);
                    return changed;
                }
            }
            return null;
        }
    }
}
