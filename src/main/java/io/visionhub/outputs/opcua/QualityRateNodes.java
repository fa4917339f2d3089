package io.visionhub.outputs.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;

import io.visionhub.quality.oee.QualityRate;
import io.visionhub.quality.oee.QualityRates.QualityRateView;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * The OEE quality rate on the hub's OPC UA server: a {@code Quality} folder under each station object
 * ({@code Stations/<station>/Quality/...}) and under each line object ({@code Lines/<line>/Quality/...}, the lines
 * in a {@code Lines} folder beside {@code Stations}), each with {@code QualityRate} (Double, good / total; no value
 * and status Bad_NoData while nothing was inspected under the current order and shift), the counts
 * {@code Total}, {@code Good}, {@code Rework}, {@code Scrap}, {@code Pending} (UInt64) and the
 * {@code ProductionOrder} and {@code Shift} they cover (String). Nodes are created on the first value.
 */
public final class QualityRateNodes {

    private final StationNamespace namespace;
    private final Map<String, Nodes> lines = new ConcurrentHashMap<>();
    private final Map<String, Nodes> stations = new ConcurrentHashMap<>();
    private volatile UaFolderNode linesFolder;

    public QualityRateNodes(StationNamespace namespace) {
        this.namespace = namespace;
    }

    /** Shows a line's or a station's current rate. */
    public void show(QualityRateView v) {
        Nodes n = v.station() == null
                ? lines.computeIfAbsent(v.line(), k -> create(lineObject(k), "Lines/" + k))
                : stations.computeIfAbsent(v.station(), k -> create(namespace.stationObject(k), "Stations/" + k));
        n.set(v);
    }

    /** Node id path of a line's quality variable, e.g. {@code Lines/line-1/Quality/QualityRate}. */
    public static String linePath(String line, String variable) {
        return "Lines/" + line + "/Quality/" + variable;
    }

    /** Node id path of a station's quality variable, e.g. {@code Stations/station-1/Quality/QualityRate}. */
    public static String stationPath(String station, String variable) {
        return "Stations/" + station + "/Quality/" + variable;
    }

    private synchronized UaObjectNode lineObject(String line) {
        if (linesFolder == null) {
            UaFolderNode folder = new UaFolderNode(
                    namespace.context(),
                    namespace.id("Lines"),
                    namespace.qualified("Lines"),
                    LocalizedText.english("Lines"));
            namespace.addNode(folder);
            namespace.hubFolder().addOrganizes(folder);
            linesFolder = folder;
        }
        UaObjectNode object = UaObjectNode.builder(namespace.context())
                .setNodeId(namespace.id("Lines/" + line))
                .setBrowseName(namespace.qualified(line))
                .setDisplayName(LocalizedText.english(line))
                .setTypeDefinition(NodeIds.BaseObjectType)
                .build();
        namespace.addNode(object);
        linesFolder.addOrganizes(object);
        return object;
    }

    private Nodes create(UaNode parent, String base) {
        UaFolderNode folder = namespace.folder(parent, base, "Quality");
        Nodes n = new Nodes();
        n.rate = variable(folder, base, "Quality/QualityRate", NodeIds.Double, Variant.NULL_VALUE);
        n.total = variable(folder, base, "Quality/Total", NodeIds.UInt64, new Variant(ulong(0)));
        n.good = variable(folder, base, "Quality/Good", NodeIds.UInt64, new Variant(ulong(0)));
        n.rework = variable(folder, base, "Quality/Rework", NodeIds.UInt64, new Variant(ulong(0)));
        n.scrap = variable(folder, base, "Quality/Scrap", NodeIds.UInt64, new Variant(ulong(0)));
        n.pending = variable(folder, base, "Quality/Pending", NodeIds.UInt64, new Variant(ulong(0)));
        n.order = variable(folder, base, "Quality/ProductionOrder", NodeIds.String, Variant.NULL_VALUE);
        n.shift = variable(folder, base, "Quality/Shift", NodeIds.String, Variant.NULL_VALUE);
        return n;
    }

    private ChangingValueNode variable(UaNode parent, String base, String path, NodeId type, Variant initial) {
        return new ChangingValueNode(namespace.variable(parent, base, path, type, initial));
    }

    /**
     * One line's or station's quality variables; each is written only when its value changes (two views per
     * inspection, of which mostly Total, Good and QualityRate change).
     */
    private static final class Nodes {
        /** the key of QualityRate while nothing was inspected (no value, Bad_NoData) */
        private static final Object NO_DATA = new Object();

        ChangingValueNode rate;
        ChangingValueNode total;
        ChangingValueNode good;
        ChangingValueNode rework;
        ChangingValueNode scrap;
        ChangingValueNode pending;
        ChangingValueNode order;
        ChangingValueNode shift;

        synchronized void set(QualityRateView v) {
            DateTime now = DateTime.now();
            QualityRate r = v.rate();
            if (r.total() == 0) {
                if (rate.changes(NO_DATA)) {
                    rate.node.setValue(
                            new DataValue(Variant.NULL_VALUE, new StatusCode(StatusCodes.Bad_NoData), now, now));
                }
            } else if (rate.changes(r.rate())) {
                rate.write(new Variant(r.rate()), now);
            }
            count(total, r.total(), now);
            count(good, r.good(), now);
            count(rework, r.rework(), now);
            count(scrap, r.scrap(), now);
            count(pending, r.pending(), now);
            order.setText(v.productionOrder(), now);
            shift.setText(v.shift(), now);
        }

        private static void count(ChangingValueNode node, long value, DateTime now) {
            if (node.changes(value)) {
                node.write(new Variant(ulong(value)), now);
            }
        }
    }
}
