package io.visionhub.quality.oee;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.quality.QualityListener;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OEE quality rate of each line and station for the line's current production order and shift, kept in memory:
 * loaded from the database when a line's order or shift is first seen (at start, and at each changeover of the
 * production context), then updated by every recorded inspection and every new signed disposition. Outputs (REST,
 * OPC UA, MQTT, Prometheus) read {@link #current} or hear each change through {@link #addChangeListener}.
 */
public class QualityRateService implements QualityRates, QualityListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QualityRateService.class);

    private final Supplier<ProductionContextStore> contexts;
    private final QualityRateQueries queries;
    private final Clock clock;
    private final Map<String, QualityTally> tallies = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final List<Consumer<QualityRateView>> listeners = new CopyOnWriteArrayList<>();

    /** The order and shift a line runs now (shift may be null). */
    private record Scope(String productionOrder, String shift) {}

    /**
     * @param contexts the production context store, or a supplier of null when the context concern is off (every
     *                 line then has no current order, and no rate)
     */
    public QualityRateService(Supplier<ProductionContextStore> contexts, QualityRateQueries queries, Clock clock) {
        this.contexts = contexts;
        this.queries = queries;
        this.clock = clock;
    }

    private volatile ScheduledExecutorService refresher;

    /** Loads the current order and shift of every line with a context (call once the database is migrated). */
    public void start() {
        refresh();
    }

    /**
     * {@link #start}, then {@link #refresh} every {@code every}: a context can change with no inspection coming
     * (end of a shift on an idle line), and the outputs must then show the new order's or shift's figures.
     */
    public synchronized void start(Duration every) {
        if (every != null && every.isNegative()) {
            throw new IllegalArgumentException("visionhub.quality.rate.refresh must be a positive duration such as 5s "
                    + "(0 turns the changeover check off), got " + every);
        }
        start();
        if (refresher == null && every != null && !every.isZero()) {
            refresher = SingleThreadExecutors.scheduled(null, this, "quality-rate-refresh");
            refresher.scheduleWithFixedDelay(
                    () -> {
                        try {
                            refresh();
                        } catch (RuntimeException e) {
                            LOG.warn("quality rate: changeover check failed, next try in {}: {}", every, e.toString());
                        }
                    },
                    every.toMillis(),
                    every.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }

    /** Hears every change of a line's or station's rate (on the thread that made it: return quickly). */
    public void addChangeListener(Consumer<QualityRateView> listener) {
        listeners.add(listener);
    }

    @Override
    public QualityRateView current(String line, String station) {
        synchronized (lock(line)) {
            return view(line, tally(line), station);
        }
    }

    /** The current rate of every known line and of each of its stations (the line's view first). */
    public List<QualityRateView> all() {
        List<QualityRateView> out = new ArrayList<>();
        for (String line : lines()) {
            synchronized (lock(line)) {
                QualityTally t = tally(line);
                out.add(view(line, t, null));
                if (t != null) {
                    for (String s : t.stations()) {
                        out.add(view(line, t, s));
                    }
                }
            }
        }
        return out;
    }

    /** Lines the context store knows, and lines counted so far. */
    public Set<String> lines() {
        Set<String> lines = new TreeSet<>(tallies.keySet());
        ProductionContextStore store = contexts.get();
        if (store != null) {
            lines.addAll(store.lines());
        }
        return lines;
    }

    /** Whether the hub knows a line (configured, with a context, or counted). */
    public boolean knowsLine(String line) {
        return lines().contains(line);
    }

    /** Stations counted on a line under its current order and shift. */
    public List<String> stations(String line) {
        synchronized (lock(line)) {
            QualityTally t = tally(line);
            return t == null ? List.of() : t.stations();
        }
    }

    /**
     * Checks every line for an order or shift changeover (the context may change with no inspection coming): a line
     * whose order or shift changed starts again from the database, and its listeners hear the new values.
     */
    public void refresh() {
        for (String line : lines()) {
            tally(line);
        }
    }

    /**
     * The rate of a line (or one station) for any order and shift, computed from the database.
     *
     * @param shift the shift, null for inspections recorded without one
     */
    public QualityRateView computed(String line, String station, String order, String shift) {
        QualityTally t = queries.load(line, order, shift);
        return new QualityRateView(line, station, order, shift, t.rate(station));
    }

    /** The rate of a line (or one station) for an order over all its shifts, computed from the database. */
    public QualityRateView computedOrder(String line, String station, String order) {
        QualityTally t = queries.load(line, order, null, true);
        return new QualityRateView(line, station, order, null, t.rate(station));
    }

    @Override
    public void onInspection(InspectionEvent event) {
        ProductionContext ctx = event.context();
        if (event.line() == null
                || event.station() == null
                || event.result() == null
                || ctx == null
                || ctx.productionOrder() == null) {
            return;
        }
        String line = event.line();
        synchronized (lock(line)) {
            QualityTally t = tally(line);
            if (t == null || !t.covers(ctx.productionOrder(), ctx.shift())) {
                return; // captured under another order or shift than the line runs now
            }
            boolean added = t.add(
                    new QualityTally.Part(
                            event.id(), event.station(), event.result().name(), ctx.batch(), Long.MAX_VALUE),
                    null,
                    true);
            if (added) {
                publish(line, t, event.station());
            }
        }
    }

    @Override
    public void onDisposition(SignedDisposition d) {
        QualityTally.Decision decision = new QualityTally.Decision(d.disposition(), d.sequence());
        if ("LOT".equals(d.targetType())) {
            for (String line : lines()) {
                synchronized (lock(line)) {
                    QualityTally t = tally(line);
                    if (t == null) {
                        continue;
                    }
                    List<QualityTally.Part> covered =
                            queries.lotBefore(d.targetId(), d.sequence(), line, t.productionOrder(), t.shift());
                    if (covered.isEmpty()) {
                        continue;
                    }
                    t.lotDecision(d.targetId(), decision, covered);
                    Set<String> stations = new LinkedHashSet<>();
                    covered.forEach(p -> stations.add(p.station()));
                    stations.forEach(s -> publish(line, t, s));
                }
            }
            return;
        }
        var found = queries.inspection(d.targetId());
        if (found.isEmpty() || found.get().line() == null) {
            return;
        }
        QualityRateQueries.Scoped row = found.get();
        String line = row.line();
        synchronized (lock(line)) {
            QualityTally t = tally(line);
            if (t == null || !t.covers(row.productionOrder(), row.shift())) {
                return;
            }
            t.inspectionDecision(d.targetId(), decision, t.tracks(d.targetId()) ? null : row.part());
            publish(line, t, row.part().station());
        }
    }

    /** The line's tally for its current order and shift (loading it at a changeover); null without an order. */
    private QualityTally tally(String line) {
        Scope scope = scope(line);
        QualityTally t = tallies.get(line);
        if (scope == null) {
            if (t != null) {
                synchronized (lock(line)) {
                    if (tallies.remove(line, t)) {
                        LOG.info(
                                "quality rate of line {}: production ended, order {} closed",
                                line,
                                t.productionOrder());
                        publishAll(line, null, t.stations());
                    }
                }
            }
            return null;
        }
        if (t != null && t.covers(scope.productionOrder(), scope.shift())) {
            return t;
        }
        synchronized (lock(line)) {
            t = tallies.get(line);
            if (t != null && t.covers(scope.productionOrder(), scope.shift())) {
                return t;
            }
            List<String> before = t == null ? List.of() : t.stations();
            QualityTally loaded = queries.load(line, scope.productionOrder(), scope.shift());
            tallies.put(line, loaded);
            LOG.info(
                    "quality rate of line {}: now order {} shift {}, {} part(s) already recorded",
                    line,
                    scope.productionOrder(),
                    scope.shift(),
                    loaded.rate(null).total());
            publishAll(line, loaded, before);
            return loaded;
        }
    }

    private Scope scope(String line) {
        ProductionContextStore store = contexts.get();
        if (store == null || line == null) {
            return null;
        }
        ProductionContext c = store.at(line, clock.instant());
        return c == null || c.productionOrder() == null ? null : new Scope(c.productionOrder(), c.shift());
    }

    private Object lock(String line) {
        return locks.computeIfAbsent(line, l -> new Object());
    }

    private static QualityRateView view(String line, QualityTally t, String station) {
        return t == null
                ? new QualityRateView(line, station, null, null, QualityRate.NONE)
                : new QualityRateView(line, station, t.productionOrder(), t.shift(), t.rate(station));
    }

    private void publish(String line, QualityTally t, String station) {
        notifyListeners(view(line, t, station));
        notifyListeners(view(line, t, null));
    }

    /** The line and every station of the new tally and of the one it replaced (their counts start again). */
    private void publishAll(String line, QualityTally t, List<String> stationsBefore) {
        Set<String> stations = new TreeSet<>(stationsBefore);
        if (t != null) {
            stations.addAll(t.stations());
        }
        notifyListeners(view(line, t, null));
        stations.forEach(s -> notifyListeners(view(line, t, s)));
    }

    private void notifyListeners(QualityRateView v) {
        for (Consumer<QualityRateView> l : listeners) {
            try {
                l.accept(v);
            } catch (RuntimeException e) {
                LOG.warn(
                        "quality rate listener {} failed on line {} station {}: {}",
                        l,
                        v.line(),
                        Objects.toString(v.station(), "(line)"),
                        e.toString());
            }
        }
    }
}
