package io.visionhub.quality.oee;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The quality counts of one line for one production order and shift, per station, kept current as inspections and
 * dispositions come. Parts judged OK and never dispositioned are only counted; every other part is tracked by id so
 * that a later disposition (of the part, or of its lot) moves it from one count to another.
 * <p>
 * A part's current disposition is the latest signed one (by ledger sequence) of the part itself and of its lot; a lot
 * disposition covers the lot's inspections recorded before it (the ones its signature hashed), not later ones.
 * Not thread-safe: {@link QualityRateService} serialises access per line.
 */
final class QualityTally {

    /** A signed decision as it applies: the disposition and its ledger sequence. */
    record Decision(String disposition, long sequence) {}

    /** An inspection as the tally needs it; {@code sequence} is {@link Long#MAX_VALUE} when not known yet. */
    record Part(String id, String station, String verdict, String batch, long sequence) {}

    private static final class Tracked {
        final Part part;
        long sequence;
        Decision own;

        Tracked(Part part, Decision own) {
            this.part = part;
            this.sequence = part.sequence();
            this.own = own;
        }
    }

    private final String line;
    private final String productionOrder;
    private final String shift;
    private final Map<String, QualityCounts> stations = new TreeMap<>();
    private final Map<String, Tracked> tracked = new HashMap<>();
    private final Map<String, Decision> lots = new HashMap<>();
    /**
     * The newest ids counted without tracking (loaded from the database, or heard): an event in flight while the
     * tally loaded, or heard twice, is not counted again.
     */
    private final Set<String> recent = Collections.newSetFromMap(new LinkedHashMap<>(RECENT * 2, 0.75f) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT;
        }
    });

    private static final int RECENT = 4096;

    QualityTally(String line, String productionOrder, String shift) {
        this.line = line;
        this.productionOrder = productionOrder;
        this.shift = shift;
    }

    String line() {
        return line;
    }

    String productionOrder() {
        return productionOrder;
    }

    String shift() {
        return shift;
    }

    boolean covers(String order, String shiftName) {
        return Objects.equals(productionOrder, order) && Objects.equals(shift, shiftName);
    }

    /** Sets the current disposition of a lot before its parts are added (loading). */
    void lotDecision(String batch, Decision d) {
        lots.put(batch, d);
    }

    /**
     * Adds a part (from the database with its sequence and own decision, or from a recorded inspection event).
     *
     * @return false when the part was already counted
     */
    boolean add(Part p, Decision own, boolean fromEvent) {
        if (tracked.containsKey(p.id()) || (fromEvent && recent.contains(p.id()))) {
            return false;
        }
        recent.add(p.id());
        Tracked t = new Tracked(p, own);
        String effective = effective(t);
        counts(p.station()).add(p.verdict(), effective, 1);
        if (effective != null || !"OK".equals(p.verdict())) {
            tracked.put(p.id(), t);
        }
        return true;
    }

    boolean tracks(String id) {
        return tracked.containsKey(id);
    }

    /**
     * A new current disposition of one inspection.
     *
     * @param untracked the inspection from the database when this tally does not track it (an OK part counted
     *                  only), else null
     */
    void inspectionDecision(String id, Decision d, Part untracked) {
        Tracked t = tracked.get(id);
        if (t == null) {
            if (untracked == null) {
                return;
            }
            counts(untracked.station()).add(untracked.verdict(), null, -1);
            t = new Tracked(untracked, null);
            tracked.put(id, t);
        } else {
            counts(t.part.station()).add(t.part.verdict(), effective(t), -1);
        }
        t.own = d;
        counts(t.part.station()).add(t.part.verdict(), effective(t), 1);
    }

    /**
     * A new current disposition of a lot.
     *
     * @param covered the lot's inspections under this tally's order and shift recorded before the disposition
     */
    void lotDecision(String batch, Decision d, List<Part> covered) {
        List<Tracked> affected = new ArrayList<>();
        for (Part p : covered) {
            Tracked t = tracked.get(p.id());
            if (t == null) {
                if (!"OK".equals(p.verdict())) {
                    continue; // not heard yet: it comes with its own event
                }
                counts(p.station()).add(p.verdict(), null, -1);
                t = new Tracked(p, null);
                tracked.put(p.id(), t);
            } else {
                counts(t.part.station()).add(t.part.verdict(), effective(t), -1);
            }
            t.sequence = p.sequence();
            affected.add(t);
        }
        lots.put(batch, d);
        for (Tracked t : affected) {
            counts(t.part.station()).add(t.part.verdict(), effective(t), 1);
        }
    }

    private String effective(Tracked t) {
        Decision lot = t.part.batch() == null ? null : lots.get(t.part.batch());
        boolean lotApplies = lot != null && lot.sequence() > t.sequence;
        if (lotApplies && (t.own == null || lot.sequence() > t.own.sequence())) {
            return lot.disposition();
        }
        return t.own == null ? null : t.own.disposition();
    }

    private QualityCounts counts(String station) {
        return stations.computeIfAbsent(station, s -> new QualityCounts());
    }

    /** Stations with at least one part, sorted. */
    List<String> stations() {
        return List.copyOf(stations.keySet());
    }

    /** The rate of one station, or of the whole line when {@code station} is null. */
    QualityRate rate(String station) {
        if (station != null) {
            QualityCounts c = stations.get(station);
            return c == null ? QualityRate.NONE : c.rate();
        }
        QualityCounts all = new QualityCounts();
        stations.values().forEach(all::addAll);
        return all.rate();
    }
}
