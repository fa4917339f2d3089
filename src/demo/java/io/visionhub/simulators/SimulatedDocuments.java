package io.visionhub.simulators;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The documents one simulated entity set holds, in creation order, with server-assigned numbers.
 * Tests and benchmarks read it to check that a delivery made exactly one document.
 */
public final class SimulatedDocuments {

    /** One stored document: its number, its fields as stored, and when it was created ({@link System#nanoTime()}). */
    public record Document(String number, Map<String, Object> fields, long createdNanos) {}

    private final String name;
    private final AtomicLong sequence;
    private final String numberFormat;
    private final Map<String, Document> byNumber = new ConcurrentHashMap<>();
    private final List<Document> inOrder = new CopyOnWriteArrayList<>();
    private final List<Consumer<Document>> listeners = new CopyOnWriteArrayList<>();
    /** Field → value → documents, for the fields lookups asked for (built on first lookup, kept up to date). */
    private final Map<String, Map<String, List<Document>>> indexes = new ConcurrentHashMap<>();

    /**
     * @param name         entity set name (for messages)
     * @param firstNumber  first number to assign
     * @param numberFormat {@link String#format} pattern of the number, e.g. "%012d"
     */
    public SimulatedDocuments(String name, long firstNumber, String numberFormat) {
        this.name = name;
        this.sequence = new AtomicLong(firstNumber);
        this.numberFormat = numberFormat;
    }

    public String name() {
        return name;
    }

    /** Stores a document under the next number; {@code fields} receives the number under {@code numberField}. */
    public synchronized Document create(String numberField, Map<String, Object> fields) {
        String number = String.format(numberFormat, sequence.getAndIncrement());
        fields.put(numberField, number);
        return store(number, fields);
    }

    private Document store(String number, Map<String, Object> fields) {
        Document doc = new Document(number, fields, System.nanoTime());
        byNumber.put(number, doc);
        inOrder.add(doc);
        indexes.forEach((field, index) -> addToIndex(index, field, doc));
        listeners.forEach(l -> l.accept(doc));
        return doc;
    }

    private static void addToIndex(Map<String, List<Document>> index, String field, Document doc) {
        Object v = doc.fields().get(field);
        if (v != null) {
            index.computeIfAbsent(String.valueOf(v), k -> new CopyOnWriteArrayList<>())
                    .add(doc);
        }
    }

    /** Stores a document under a number the client chose. */
    public synchronized Document createWithNumber(String number, Map<String, Object> fields) {
        return store(number, fields);
    }

    public Optional<Document> get(String number) {
        return Optional.ofNullable(byNumber.get(number));
    }

    /** Documents whose field equals the value (string comparison), in creation order. */
    public List<Document> findBy(String field, String value) {
        Map<String, List<Document>> index = indexes.get(field);
        if (index == null) {
            synchronized (this) {
                index = indexes.get(field);
                if (index == null) {
                    Map<String, List<Document>> built = new ConcurrentHashMap<>();
                    for (Document d : inOrder) {
                        addToIndex(built, field, d);
                    }
                    indexes.put(field, built);
                    index = built;
                }
            }
        }
        List<Document> found = index.get(value);
        return found == null ? List.of() : new ArrayList<>(found);
    }

    /** Documents matching every field = value (string comparison), in creation order; uses the field indexes. */
    public List<Document> matching(Map<String, String> criteria) {
        if (criteria.isEmpty()) {
            return all();
        }
        Map.Entry<String, String> first = criteria.entrySet().iterator().next();
        List<Document> out = new ArrayList<>();
        for (Document d : findBy(first.getKey(), first.getValue())) {
            if (criteria.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(String.valueOf(d.fields().get(e.getKey()))))) {
                out.add(d);
            }
        }
        return out;
    }

    public List<Document> all() {
        return List.copyOf(inOrder);
    }

    public int count() {
        return inOrder.size();
    }

    /** Called on every create, on the simulator's request thread (benchmarks time documents with it). */
    public void onCreate(Consumer<Document> listener) {
        listeners.add(listener);
    }

    public synchronized void clear() {
        byNumber.clear();
        inOrder.clear();
        indexes.clear();
    }
}
