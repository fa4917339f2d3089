package io.visionhub.enterprise.mapping;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a delivery's input (the inspection event, its production context, the delivery and the rule's
 * findings) into a target payload with a JSONata template {@code <mappingsDir>/<customer>/<mapping>.jsonata}
 * (the dashjoin JSONata engine that camel-jsonata uses). Templates are compiled once and recompiled when the
 * file changes, so a fixed template applies to the next retry without a restart. Any problem (missing file,
 * syntax error, evaluation error, a result that is not a JSON object) is a {@link MappingException} naming
 * the file and the line.
 *
 * <p>Each evaluation starts from the template's own clean frame. dashjoin JSONata 0.9.9 keeps the evaluation's
 * state (the innermost frame reached, the input, the time {@code $now()} reads) on one expression per thread, the
 * last one constructed there (dashjoin/jsonata-java#93). When that was one of ours, its next evaluation started
 * inside the innermost frame of the one before: every evaluation of a template with a block {@code ( … )} nested
 * one frame deeper (each variable and function lookup walked them all, and every input stayed reachable), and a
 * variable bound by an earlier evaluation, of this template or of another one on the thread, was visible to the
 * next. So a throwaway expression is constructed after each of ours and takes that state instead.
 */
public final class MappingEngine {

    private static final Logger LOG = LoggerFactory.getLogger(MappingEngine.class);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final Path mappingsDir;
    private final ObjectMapper json;
    private final Map<Path, Compiled> cache = new ConcurrentHashMap<>();
    /** Compiled expressions per thread: a dashjoin expression keeps evaluation state, so threads do not share one. */
    private final ThreadLocal<Map<Path, Compiled>> perThread = ThreadLocal.withInitial(HashMap::new);
    /**
     * Per thread, the expression constructed after the thread's last template: dashjoin's current expression on that
     * thread, which holds the evaluation state (see the class comment) and the time {@code $now()} and
     * {@code $millis()} read.
     */
    private static final ThreadLocal<Jsonata> EVALUATION_STATE = new ThreadLocal<>();

    private record Compiled(long modified, long size, String source, Jsonata expression) {}

    public MappingEngine(Path mappingsDir, ObjectMapper json) {
        this.mappingsDir = mappingsDir;
        this.json = json;
    }

    public Path mappingsDir() {
        return mappingsDir;
    }

    /** The template file of a customer's mapping. */
    public Path file(String customer, String mapping) {
        if (customer == null || !SAFE_NAME.matcher(customer).matches() || customer.contains("..")) {
            throw new MappingException(
                    mappingsDir + "/" + customer,
                    "customer name '" + customer + "' is not a plain folder name (letters, digits, _ . -)",
                    null);
        }
        if (mapping == null || !SAFE_NAME.matcher(mapping).matches() || mapping.contains("..")) {
            throw new MappingException(
                    mappingsDir + "/" + customer + "/" + mapping,
                    "mapping name '" + mapping + "' is not a plain file name (letters, digits, _ . -)",
                    null);
        }
        return mappingsDir.resolve(customer).resolve(mapping + ".jsonata");
    }

    /**
     * Evaluates the customer's mapping on the input: a Map of plain JSON values (Maps, Lists, strings, numbers,
     * booleans) is used as it is; anything else is converted with Jackson first.
     */
    public ObjectNode map(String customer, String mapping, Object input) {
        Path file = file(customer, mapping);
        Compiled shared = compiled(file);
        Map<Path, Compiled> mine = perThread.get();
        Compiled compiled = mine.get(file);
        if (compiled == null || compiled.modified() != shared.modified() || compiled.size() != shared.size()) {
            compiled = new Compiled(shared.modified(), shared.size(), shared.source(), construct(shared.source()));
            mine.put(file, compiled);
        }
        Object result;
        try {
            Object plain = input instanceof Map<?, ?> ? input : json.convertValue(input, Object.class);
            Jsonata expression = compiled.expression();
            // the evaluation time for $now() and $millis() (they read it from the thread's current expression)
            EVALUATION_STATE.get().evaluate(null);
            // a frame of this evaluation's own below the template's clean one: nothing of it outlives the call
            result = expression.evaluate(plain, expression.createFrame());
        } catch (JException e) {
            throw new MappingException(
                    file.toString(),
                    "evaluation failed " + where(compiled.source(), e.getLocation()) + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw new MappingException(file.toString(), "evaluation failed: " + e, e);
        }
        if (!(result instanceof Map<?, ?>)) {
            throw new MappingException(
                    file.toString(),
                    "must produce a JSON object, produced "
                            + (result == null
                                    ? "nothing (check the field names it reads)"
                                    : result.getClass().getSimpleName() + " " + result),
                    null);
        }
        JsonNode node = json.valueToTree(result);
        return (ObjectNode) node;
    }

    /**
     * Compiles a template, then constructs a throwaway expression after it, so that the template's is not the
     * thread's current expression (dashjoin's constructor makes each new one current) and keeps its clean
     * environment.
     */
    private static Jsonata construct(String source) {
        Jsonata expression = Jsonata.jsonata(source);
        EVALUATION_STATE.set(Jsonata.jsonata("$"));
        return expression;
    }

    /** Compiles every template of a customer; returns problems by file (empty when all compile). */
    public Map<String, String> check(String customer) {
        Map<String, String> problems = new TreeMap<>();
        Path dir = mappingsDir.resolve(customer);
        try (var files = Files.list(dir)) {
            files.filter(f -> f.toString().endsWith(".jsonata")).forEach(f -> {
                try {
                    compiled(f);
                } catch (MappingException e) {
                    problems.put(f.toString(), e.getMessage());
                }
            });
        } catch (IOException e) {
            problems.put(dir.toString(), "cannot list mappings: " + e);
        }
        return problems;
    }

    private Compiled compiled(Path file) {
        long modified;
        long size;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            modified = attributes.lastModifiedTime().toMillis();
            size = attributes.size();
        } catch (NoSuchFileException e) {
            throw new MappingException(
                    file.toString(), "file not found (create it, or set the target's mapping name)", e);
        } catch (IOException e) {
            throw new MappingException(file.toString(), "cannot read: " + e, e);
        }
        Compiled c = cache.get(file);
        if (c != null && c.modified() == modified && c.size() == size) {
            return c;
        }
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MappingException(file.toString(), "cannot read: " + e, e);
        }
        try {
            Jsonata expression = construct(source);
            c = new Compiled(modified, size, source, expression);
            cache.put(file, c);
            LOG.info("Mapping {} compiled", file);
            return c;
        } catch (JException e) {
            throw new MappingException(
                    file.toString(), "syntax error " + where(source, e.getLocation()) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MappingException(file.toString(), "syntax error: " + e, e);
        }
    }

    /** "at line L, column C" for a character offset of the template. */
    static String where(String source, int offset) {
        if (offset < 0 || source == null) {
            return "";
        }
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(offset, source.length()); i++) {
            if (source.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "at line " + line + ", column " + col;
    }
}
