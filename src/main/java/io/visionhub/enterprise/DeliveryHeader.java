package io.visionhub.enterprise;

import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.camel.Exchange;

/** The {@link InspectionLedger#HEADER_DELIVERIES} header: deliveries already decided, plus more, without repeats. */
public final class DeliveryHeader {

    private DeliveryHeader() {}

    /** Appends to the deliveries in the header (keeping those already there, in order, each once). */
    public static void append(Exchange exchange, List<DeliveryRequest> more) {
        List<DeliveryRequest> all = new ArrayList<>();
        Object existing = exchange.getMessage().getHeader(InspectionLedger.HEADER_DELIVERIES);
        if (existing instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof DeliveryRequest d) {
                    all.add(d);
                }
            }
        }
        all.addAll(more);
        exchange.getMessage().setHeader(InspectionLedger.HEADER_DELIVERIES, List.copyOf(new LinkedHashSet<>(all)));
    }
}
