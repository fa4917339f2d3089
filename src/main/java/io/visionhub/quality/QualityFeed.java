package io.visionhub.quality;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.disposition.SignedDisposition;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Hands recorded inspections and new signed dispositions to every {@link QualityListener} bean. A listener that
 * throws is logged and skipped: the inspection is already recorded, and one screen or chart must not stop another
 * (nor the outputs that follow in the route).
 */
public class QualityFeed implements SmartInitializingSingleton {

    private static final Logger LOG = LoggerFactory.getLogger(QualityFeed.class);

    private final ObjectProvider<QualityListener> listeners;
    /**
     * the listeners once every singleton exists: looking them up per inspection (a walk over the bean factory) cost
     * more than the listeners themselves (bench NodeRedSideBySideBench); null until then
     */
    private volatile List<QualityListener> resolved;

    public QualityFeed(ObjectProvider<QualityListener> listeners, ObjectProvider<DispositionService> dispositions) {
        this.listeners = listeners;
        dispositions.ifAvailable(d -> d.addListener(this::disposition));
    }

    /** A recorded inspection, to every listener. */
    public void inspection(InspectionEvent event) {
        each(event, QualityListener::onInspection, event.id());
    }

    /** A new signed disposition, to every listener. */
    public void disposition(SignedDisposition disposition) {
        each(disposition, QualityListener::onDisposition, disposition.id());
    }

    /** The listeners (beans are looked up lazily: some depend on beans that need this feed). */
    public List<QualityListener> listeners() {
        List<QualityListener> r = resolved;
        return r != null ? r : listeners.orderedStream().toList();
    }

    /** Spring: every singleton is created, the listeners are all there; from now on they are looked up no more. */
    @Override
    public void afterSingletonsInstantiated() {
        resolved = listeners.orderedStream().toList();
    }

    private <T> void each(T item, BiConsumer<QualityListener, T> call, String id) {
        for (QualityListener l : listeners()) {
            try {
                call.accept(l, item);
            } catch (RuntimeException e) {
                LOG.warn("{} failed on {}: {}", l.getClass().getSimpleName(), id, e.toString(), e);
            }
        }
    }
}
