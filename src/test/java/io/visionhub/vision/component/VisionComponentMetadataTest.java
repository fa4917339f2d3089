package io.visionhub.vision.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component's JSON metadata (what Hawtio and route editors show: options, defaults, descriptions, headers)
 * is generated from the annotations of VisionComponent, VisionEndpoint and VisionConstants. This test fails when
 * the committed META-INF/io/visionhub/vision/component/vision.json differs, and writes the fresh one to
 * target/vision.json to copy over.
 */
class VisionComponentMetadataTest {

    static final String RESOURCE = "META-INF/io/visionhub/vision/component/vision.json";

    @Test
    void committedComponentJsonMatchesTheAnnotationsAndCamelServesIt() throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String expected = mapper.writeValueAsString(generate()) + "\n";
        String committed;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(RESOURCE)) {
            committed = in == null ? "" : new String(in.readAllBytes());
        }
        if (!expected.equals(committed)) {
            Files.writeString(Path.of("target/vision.json"), expected);
        }
        assertThat(committed).as("src/main/resources/" + RESOURCE + " is stale: copy target/vision.json over it")
                .isEqualTo(expected);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("vision", new VisionComponent());
            assertThat(camel.getComponentParameterJsonSchema("vision")).contains("\"fps\"").contains("\"source\"");
        }
    }

    static Map<String, Object> generate() {
        UriEndpoint ue = VisionEndpoint.class.getAnnotation(UriEndpoint.class);
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("kind", "component");
        c.put("name", ue.scheme());
        c.put("title", ue.title());
        c.put("description", "Inspects frames from cameras (RTSP, HTTP, video files, image folders, simulated parts) or "
                + "the image in a message with an ONNX model described by a model card, and emits one inspection event "
                + "per frame.");
        c.put("deprecated", false);
        c.put("firstVersion", ue.firstVersion());
        c.put("label", "ai");
        c.put("javaType", VisionComponent.class.getName());
        c.put("supportLevel", "Preview");
        c.put("groupId", "io.visionhub");
        c.put("artifactId", "vision-hub");
        c.put("version", "0.1.0-SNAPSHOT");
        c.put("scheme", ue.scheme());
        c.put("extendsScheme", "");
        c.put("syntax", ue.syntax());
        c.put("async", false);
        c.put("api", false);
        c.put("consumerOnly", false);
        c.put("producerOnly", false);
        c.put("lenientProperties", false);
        c.put("browsable", false);
        c.put("remote", true);
        root.put("component", c);

        Map<String, Object> cp = new LinkedHashMap<>();
        int index = 0;
        for (Field f : VisionComponent.class.getDeclaredFields()) {
            Metadata m = f.getAnnotation(Metadata.class);
            if (m == null) {
                continue;
            }
            Map<String, Object> p = property("property", index++, f, "common", m.description(), m.defaultValue(), false,
                    m.autowired());
            cp.put(f.getName(), p);
        }
        root.put("componentProperties", cp);

        Map<String, Object> headers = new LinkedHashMap<>();
        index = 0;
        for (Field f : VisionConstants.class.getDeclaredFields()) {
            Metadata m = f.getAnnotation(Metadata.class);
            if (m == null) {
                continue;
            }
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("index", index++);
            h.put("kind", "header");
            h.put("displayName", "");
            h.put("group", "common");
            h.put("label", "");
            h.put("required", false);
            h.put("javaType", m.javaType());
            h.put("deprecated", false);
            h.put("deprecationNote", "");
            h.put("autowired", false);
            h.put("secret", false);
            h.put("description", m.description());
            try {
                h.put("constantName", VisionConstants.class.getName() + "#" + f.getName());
                headers.put((String) f.get(null), h);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        root.put("headers", headers);

        Map<String, Object> props = new LinkedHashMap<>();
        index = 0;
        for (Field f : VisionEndpoint.class.getDeclaredFields()) {
            UriPath path = f.getAnnotation(UriPath.class);
            UriParam param = f.getAnnotation(UriParam.class);
            Metadata m = f.getAnnotation(Metadata.class);
            boolean required = m != null && m.required();
            if (path != null) {
                props.put(f.getName(), property("path", index++, f, "common", path.description(), path.defaultValue(),
                        required, false));
            } else if (param != null) {
                String group = param.label().isEmpty() ? "common" : param.label();
                props.put(f.getName(), property("parameter", index++, f, group, param.description(), param.defaultValue(),
                        required, false));
            }
        }
        root.put("properties", props);
        return root;
    }

    private static Map<String, Object> property(String kind, int index, Field f, String group, String description,
                                                String dflt, boolean required, boolean autowired) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("index", index);
        p.put("kind", kind);
        p.put("displayName", displayName(f.getName()));
        p.put("group", group);
        p.put("label", "common".equals(group) ? "" : group);
        p.put("required", required);
        Class<?> t = f.getType();
        p.put("type", t == boolean.class ? "boolean" : t == int.class || t == long.class ? "integer"
                : t == double.class ? "number" : t == String.class ? "string" : "object");
        p.put("javaType", t.getName());
        p.put("deprecated", false);
        p.put("autowired", autowired);
        p.put("secret", false);
        if (dflt != null && !dflt.isEmpty()) {
            p.put("defaultValue", t == boolean.class ? (Object) Boolean.valueOf(dflt)
                    : t == int.class || t == long.class ? (Object) Long.valueOf(dflt)
                    : t == double.class ? (Object) Double.valueOf(dflt) : dflt);
        }
        p.put("description", description);
        return p;
    }

    private static String displayName(String name) {
        StringBuilder sb = new StringBuilder(Character.toUpperCase(name.charAt(0)) + "");
        for (int i = 1; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isUpperCase(ch)) {
                sb.append(' ');
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
