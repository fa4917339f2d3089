package io.visionhub.ledger.camel;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerReceipt;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code to: ledger:record}: appends the InspectionEvent in the body and the deliveries (header and endpoint option)
 * as outbox rows, and lets the exchange go on only once they are durable, so every later step (OPC UA, MQTT, outbox)
 * speaks of a recorded inspection. Sets the sequence and leaf hash headers; the body stays the event. Any failure
 * is the exchange's exception.
 * <p>
 * Where the exchange carries the property {@link LedgerConstants#CONTINUE_ON} (an Executor: {@code mqtt-input:}
 * sets its lane), the step is asynchronous: it queues the record and returns the calling thread at once; when the
 * group commit that holds the record is durable, the rest of the route runs on that executor. Records of one
 * caller are committed in the order it queued them and their continuations are handed to the executor in that
 * order, so a single-thread executor keeps the order of its exchanges after the commit too, while the caller goes
 * on with its next message and the writer's group commits fill up. Such an append that fails is not redelivered
 * by the route's error handler (a retry would be recorded behind the caller's later records): the exchange goes
 * straight to the error handler's dead-letter channel, after the writer's own retry of a failed group commit record
 * by record. Without the property the step waits on the calling thread, at most {@code append-timeout}.
 */
public class LedgerRecordProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRecordProducer.class);

    private JdbcInspectionLedger ledger;
    private Timer appendTimer;

    public LedgerRecordProducer(LedgerEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public LedgerEndpoint getEndpoint() {
        return (LedgerEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ledger = getEndpoint().getComponent().requireLedger();
        MeterRegistry meters = getEndpoint().getComponent().getMeterRegistry();
        if (meters != null) {
            // the same meter for every record endpoint: Micrometer returns the one registered first
            appendTimer = Timer.builder("visionhub.flow.record")
                    .description("time for the route's ledger step, group commit included")
                    .publishPercentiles(0.5, 0.99)
                    .register(meters);
        }
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Executor continueOn = exchange.getProperty(LedgerConstants.CONTINUE_ON, Executor.class);
        long t0 = System.nanoTime();
        Message message = exchange.getMessage();
        CompletableFuture<LedgerReceipt> commit;
        try {
            InspectionEvent event = message.getMandatoryBody(InspectionEvent.class);
            List<DeliveryRequest> deliveries = deliveries(message, event);
            if (continueOn == null) {
                recorded(message, ledger.append(event, deliveries), t0);
                callback.done(true);
                return true;
            }
            commit = ledger.submit(event, deliveries);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        // always through the executor, even when already committed: an earlier exchange's continuation may be
        // waiting there, and this one must not overtake it
        commit.whenComplete((receipt, failure) -> {
            if (failure == null) {
                recorded(message, receipt, t0);
            } else {
                exchange.setException(
                        failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                                ? c.getCause()
                                : failure);
                // no redelivery of this step (a retry would be recorded behind the caller's later records): Camel's
                // error handler takes a rollback-only exchange as exhausted and hands it to its dead-letter channel
                exchange.setRollbackOnly(true);
            }
            try {
                continueOn.execute(() -> callback.done(false));
            } catch (RejectedExecutionException stopped) {
                // the consumer that owns the executor has stopped: its message is not acknowledged and comes again
                LOG.debug(
                        "ledger:record: exchange {} committed={} but its consumer has stopped: {}",
                        exchange.getExchangeId(),
                        failure == null,
                        stopped.getMessage());
            }
        });
        return false;
    }

    private void recorded(Message message, LedgerReceipt receipt, long t0) {
        if (appendTimer != null) {
            appendTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
        message.setHeader(LedgerConstants.SEQUENCE, receipt.sequence());
        message.setHeader(LedgerConstants.LEAF_HASH, receipt.leafHash());
    }

    /** The header's deliveries (each checked to be a DeliveryRequest), then the endpoint's, each once. */
    private List<DeliveryRequest> deliveries(Message message, InspectionEvent event) {
        Object header = message.getHeader(LedgerConstants.DELIVERIES);
        List<DeliveryRequest> all = new ArrayList<>();
        if (header != null) {
            if (!(header instanceof Collection<?> items)) {
                throw new IllegalArgumentException("inspection " + event.id() + " not recorded: header "
                        + LedgerConstants.DELIVERIES + " must be a List of DeliveryRequest, got "
                        + header.getClass().getName());
            }
            for (Object item : items) {
                if (!(item instanceof DeliveryRequest delivery)) {
                    throw new IllegalArgumentException("inspection " + event.id() + " not recorded: header "
                            + LedgerConstants.DELIVERIES + " holds "
                            + (item == null ? "null" : item.getClass().getName()) + " where a DeliveryRequest belongs");
                }
                all.add(delivery);
            }
        }
        for (LedgerEndpoint.DeliverySpec spec : getEndpoint().deliverySpecs()) {
            all.add(spec.forInspection(event.id()));
        }
        return List.copyOf(new LinkedHashSet<>(all));
    }
}
