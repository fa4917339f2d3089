package io.visionhub.outputs.opcua;

import java.util.Objects;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * A station variable written only when the value behind it changes. Each {@link UaVariableNode#setValue} builds a
 * DataValue and runs Milo's attribute filter chain and observers; most of a station's nodes (line, order, product,
 * recipe, ResultState ...) keep their value from one result to the next. The change is judged on a key, the plain
 * Java value the node's Variant is made from (a String, an Instant, a list of defects ...), so an unchanged value
 * costs neither its encoding nor the write. The node keeps its SourceTimestamp from the last change (OPC 10000-4
 * 7.7.3: the time of the last change of the value or status).
 *
 * <p>Not thread-safe: the station's nodes are written under the station's lock.
 */
final class ChangingValueNode {

    private static final Object NONE = new Object();

    final UaVariableNode node;
    private Object key = NONE;

    ChangingValueNode(UaVariableNode node) {
        this.node = node;
    }

    /** True (and the key kept) when {@code next} differs from the key of the last write: the caller writes. */
    boolean changes(Object next) {
        if (key != NONE && Objects.equals(key, next)) {
            return false;
        }
        key = next;
        return true;
    }

    /** Writes {@code value} at {@code time} when {@code next} differs from the key of the last write. */
    void set(Object next, Variant value, DateTime time) {
        if (changes(next)) {
            write(value, time);
        }
    }

    /** Writes a String value (null: a null Variant) when it differs from the last one written. */
    void setText(String next, DateTime time) {
        if (changes(next)) {
            write(next == null ? Variant.NULL_VALUE : new Variant(next), time);
        }
    }

    /** Writes the value; for a caller whose {@link #changes} just said true (a value that costs to encode). */
    void write(Variant value, DateTime time) {
        node.setValue(new DataValue(value, StatusCode.GOOD, time, time));
    }
}
