package io.visionhub.ledger.camel;

import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.heads.SignedTreeHead;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * {@code from: ledger:heads}: one exchange per signed tree head, body its canonical JSON (as in the heads file),
 * once the head is durable and in signing order. The ledger calls it on its head-publishing thread, never on the
 * writer's, so a slow route does not delay a commit. A failed exchange goes to the consumer's exception handler
 * (logged by default, or the route's error handler with bridgeErrorHandler); the head stays in the database, the
 * heads file and the API, and the next head covers it.
 */
public class LedgerHeadsConsumer extends DefaultConsumer {

    private final Consumer<SignedTreeHead> listener = this::emit;
    private JdbcInspectionLedger ledger;

    public LedgerHeadsConsumer(LedgerEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public LedgerEndpoint getEndpoint() {
        return (LedgerEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ledger = getEndpoint().getComponent().requireLedger();
        ledger.addHeadListener(listener);
    }

    @Override
    protected void doStop() throws Exception {
        if (ledger != null) {
            ledger.removeHeadListener(listener);
        }
        super.doStop();
    }

    private void emit(SignedTreeHead head) {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(CanonicalJson.write(head));
        exchange.getMessage().setHeader(LedgerConstants.TREE_SIZE, head.treeSize());
        exchange.getMessage().setHeader(LedgerConstants.KEY_ID, head.keyId());
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler()
                    .handleException(
                            "Publishing signed tree head " + head.treeSize() + " failed (the "
                                    + "head is in the database, the heads file and the API; the next head covers it too)",
                            exchange,
                            exchange.getException());
        }
        releaseExchange(exchange, false);
    }
}
