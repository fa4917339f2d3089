package io.visionhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/ checked without a cluster: every Kubernetes object (the manifests and the ConfigMaps that kustomize
 * generates from the repository's files) against the JSON schema of its kind (kubernetes-models, from Kubernetes'
 * OpenAPI, run by node), and the consistency no schema sees: selectors match the pods, every mount has a volume and
 * every volume its source, Secrets' keys exist, the image is the Dockerfile's tag, the probes are the health groups
 * the hub enables, the configuration keys exist in the hub, Hazelcast's members are the StatefulSet's pods; the
 * Dockerfile through dockerfile-utils' linter; the systemd unit through {@code systemd-analyze verify}. Each check is also shown failing on a broken copy.
 */
class DeployManifestsTest {

    private static final Path K8S = Path.of("deploy/kubernetes");
    private static final Path DOCKERFILE = Path.of("deploy/container/Dockerfile");
    private static final Path UNIT = Path.of("deploy/systemd/vision-hub.service");
    private static final Path VALIDATOR = Path.of("src/test/k8s");
    /** The most a ConfigMap may hold (etcd's object limit). */
    private static final int CONFIG_MAP_LIMIT = 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void everyObjectAndEveryGeneratedConfigMapPassesTheSchemaOfItsKind() throws Exception {
        List<Map<String, Object>> objects = new ArrayList<>(manifests());
        objects.addAll(generatedConfigMaps());
        List<String> results = validate(objects);
        assertThat(results).hasSize(objects.size()).allMatch(r -> r.startsWith("OK "), "schema valid");
        assertThat(results)
                .contains(
                        "OK StatefulSet/vision-hub",
                        "OK Service/vision-hub-members",
                        "OK PodDisruptionBudget/vision-hub",
                        "OK ConfigMap/vision-hub-routes",
                        "OK Secret/vision-hub-db");
    }

    @Test
    void schemaCheckRejectsAStatefulSetWithAWrongTypeAndAProbeWithoutPort() throws Exception {
        Map<String, Object> sts = deepCopy(statefulSet(manifests()));
        map(sts, "spec").put("replicas", "three");
        map(container(sts), "livenessProbe", "httpGet").remove("port");
        List<String> results = validate(List.of(sts));
        assertThat(results).singleElement().asString().startsWith("INVALID StatefulSet/vision-hub");
        assertThat(results.get(0)).contains("replicas").contains("port");
    }

    @Test
    void manifestsAreConsistent() throws IOException {
        assertThat(problems(manifests(), generatorNames(), secretKeys())).isEmpty();
    }

    @Test
    void consistencyCheckFindsASelectorMissingThePodsAMountWithoutVolumeAndAnUnknownSecretKey() throws IOException {
        List<Map<String, Object>> broken = new ArrayList<>();
        for (Map<String, Object> o : manifests()) {
            broken.add(deepCopy(o));
        }
        Map<String, Object> sts = statefulSet(broken);
        map(sts, "spec", "template", "metadata").put("labels", Map.of("app.kubernetes.io/name", "vision-hib"));
        List<Map<String, Object>> mounts = list(container(sts), "volumeMounts");
        mounts.add(Map.of("name", "nowhere", "mountPath", "/opt/vision-hub/x"));
        List<Map<String, Object>> env = list(container(sts), "env");
        env.add(Map.of(
                "name", "X", "valueFrom", Map.of("secretKeyRef", Map.of("name", "vision-hub-db", "key", "passwort"))));
        List<String> problems = problems(broken, generatorNames(), secretKeys());
        assertThat(problems)
                .anyMatch(p -> p.contains("StatefulSet selector"))
                .anyMatch(p -> p.contains("Service/vision-hub selector"))
                .anyMatch(p -> p.contains("PodDisruptionBudget"))
                .anyMatch(p -> p.contains("volumeMount nowhere"))
                .anyMatch(p -> p.contains("vision-hub-db/passwort"));
    }

    @Test
    void generatedConfigMapsComeFromTheRepositoryFilesAndFitAConfigMap() throws IOException {
        Map<String, List<String>> generators = generators();
        assertThat(generators)
                .containsKeys("vision-hub-config", "vision-hub-routes", "vision-hub-kamelets", "vision-hub-mappings");
        // every kamelet of the repository is deployed (a new one must be listed in kustomization.yaml)
        try (Stream<Path> kamelets = Files.list(Path.of("kamelets"))) {
            assertThat(generators.get("vision-hub-kamelets").stream()
                            .map(f -> Path.of(f).getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(
                            kamelets.map(k -> k.getFileName().toString())
                                    .filter(n -> n.endsWith(".kamelet.yaml"))
                                    .toList());
        }
        String customer = (String)
                flatten(yaml(K8S.resolve("application-kubernetes.yaml"))).get("visionhub.enterprise.customer");
        assertThat(generators.get("vision-hub-mappings"))
                .as("the mappings of visionhub.enterprise.customer")
                .allMatch(f -> f.startsWith("../../mappings/" + customer + "/"));
        for (Map<String, Object> cm : generatedConfigMaps()) {
            int bytes = 0;
            for (Map.Entry<String, Object> e : map(cm, "data").entrySet()) {
                assertThat(e.getKey()).matches("[-._a-zA-Z0-9]{1,253}");
                bytes += e.getValue().toString().getBytes(StandardCharsets.UTF_8).length;
            }
            assertThat(bytes).as(map(cm, "metadata").get("name") + " size").isLessThan(CONFIG_MAP_LIMIT);
        }
    }

    @Test
    void imageIsTheTagTheDockerfileDocumentsForThisVersion() throws IOException {
        String version = projectVersion();
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher build = Pattern.compile("docker build -f " + DOCKERFILE + " -t (\\S+) \\.")
                .matcher(dockerfile);
        assertThat(build.find())
                .as("the build command documented in " + DOCKERFILE)
                .isTrue();
        String tag = build.group(1);
        assertThat(tag).isEqualTo("vision-hub:" + version);
        assertThat(dockerfile).contains("ARG JAR=target/vision-hub-" + version + ".jar");
        assertThat(container(statefulSet(manifests())).get("image")).isEqualTo(tag);
        Matcher workdir = Pattern.compile("(?m)^WORKDIR (\\S+)$").matcher(dockerfile);
        String lastWorkdir = null;
        while (workdir.find()) {
            lastWorkdir = workdir.group(1);
        }
        assertThat(lastWorkdir).isEqualTo("/opt/vision-hub");
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        Map<String, Object> pod = map(statefulSet(manifests()), "spec", "template", "spec", "securityContext");
        assertThat(pod.get("runAsUser")).isEqualTo(Integer.parseInt(user.group(1)));
    }

    @Test
    void probesAreTheHealthGroupsTheHubEnablesOnItsHttpPort() throws IOException {
        Map<String, Object> defaults = flatten(yaml(Path.of("src/main/resources/application.yaml")));
        assertThat(defaults.get("management.endpoint.health.probes.enabled")).isEqualTo(true);
        assertThat(defaults.get("management.endpoints.web.exposure.include").toString())
                .contains("health");
        assertThat(defaults.get("management.endpoint.health.group.readiness.include")
                        .toString())
                .contains("readinessState");
        Map<String, Object> c = container(statefulSet(manifests()));
        Set<String> ports = new TreeSet<>();
        for (Map<String, Object> p : list(c, "ports")) {
            ports.add((String) p.get("name"));
        }
        assertThat(map(c, "livenessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/liveness");
        assertThat(map(c, "startupProbe", "httpGet").get("path")).isEqualTo("/actuator/health/liveness");
        assertThat(map(c, "readinessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(ports).contains((String) map(c, probe, "httpGet").get("port"));
        }
        assertThat(defaults.get("server.port")).isEqualTo(portOf(c, "http"));
    }

    @Test
    void configurationMountsAndHazelcastMembersMatchTheHub() throws IOException {
        Map<String, Object> sts = statefulSet(manifests());
        Map<String, Object> c = container(sts);
        assertThat(String.join(" ", strings(c, "args")))
                .as("the profile whose file the vision-hub-config ConfigMap holds")
                .contains("--spring.profiles.active=prod,kubernetes");
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Map<String, Object> m : list(c, "volumeMounts")) {
            mounts.put((String) m.get("name"), (String) m.get("mountPath"));
        }
        Map<String, Object> k8sConfig = flatten(yaml(K8S.resolve("application-kubernetes.yaml")));
        // Spring Boot reads ./config/ of the working directory; routes/, kamelets/, mappings/<customer> as the hub
        assertThat(mounts)
                .containsEntry("config", "/opt/vision-hub/config")
                .containsEntry("routes", "/opt/vision-hub/routes")
                .containsEntry("kamelets", "/opt/vision-hub/kamelets")
                .containsEntry("mappings", "/opt/vision-hub/mappings/" + k8sConfig.get("visionhub.enterprise.customer"))
                .containsEntry("data", "/opt/vision-hub/data")
                .containsEntry("tmp", "/opt/vision-hub/tmp");
        assertThat(Files.readString(DOCKERFILE)).contains("-Djava.io.tmpdir=/opt/vision-hub/tmp");

        // every visionhub.* key of the profile exists in the hub's documented defaults (a typo would be ignored)
        Map<String, Object> defaults = hubDefaults();
        for (String key : k8sConfig.keySet()) {
            if (key.startsWith("visionhub.")) {
                assertThat(defaults).as("documented default of " + key).containsKey(key);
            }
        }
        // members: the StatefulSet's pods under its headless Service, on the container's hazelcast port
        String service = (String) map(sts, "spec").get("serviceName");
        int replicas = (Integer) map(sts, "spec").get("replicas");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            expected.add(map(sts, "metadata").get("name") + "-" + i + "." + service);
        }
        assertThat(k8sConfig.get("visionhub.context.hazelcast.members")).isEqualTo(expected);
        assertThat(k8sConfig.get("visionhub.context.hazelcast.port")).isEqualTo(portOf(c, "hazelcast"));
        Map<String, Object> headless = byKindAndName(manifests(), "Service", service);
        assertThat(map(headless, "spec").get("clusterIP")).isEqualTo("None");
        assertThat(map(headless, "spec").get("publishNotReadyAddresses")).isEqualTo(true);
        // the budget leaves a node free to drain and keeps a majority
        Map<String, Object> pdb = byKindAndName(manifests(), "PodDisruptionBudget", "vision-hub");
        int minAvailable = (Integer) map(pdb, "spec").get("minAvailable");
        assertThat(minAvailable).isLessThan(replicas).isGreaterThan(replicas / 2);
    }

    @Test
    void dockerfileLintsClean() throws Exception {
        assertThat(lintDockerfile(Files.readString(DOCKERFILE)))
                .as("dockerfile-utils findings")
                .isEmpty();
    }

    @Test
    void dockerfileLintReportsAMisspelledInstructionAndAnEmptyUser() throws Exception {
        String broken = Files.readString(DOCKERFILE)
                .replace(
                        "COPY --from=layers /build/extracted/application/",
                        "COPI --from=layers /build/extracted/application/")
                .replace("USER 10001:10001", "USER");
        assertThat(lintDockerfile(broken))
                .anyMatch(l -> l.contains("Unknown instruction: COPI"))
                .anyMatch(l -> l.contains("Instruction has no arguments"));
    }

    @Test
    void systemdUnitVerifies() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        assertThat(systemdVerify(Files.readString(UNIT)))
                .as("systemd-analyze verify")
                .isEmpty();
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict");
        assertThat(unit).contains("EnvironmentFile=/etc/vision-hub/vision-hub.env");
        assertThat(Path.of("deploy/systemd/vision-hub.env")).isRegularFile();
        // the hub writes data/ and models/ under its working directory: the only writable paths
        assertThat(unit)
                .contains(
                        "WorkingDirectory=/opt/vision-hub",
                        "ReadWritePaths=/opt/vision-hub/data /opt/vision-hub/models");
    }

    @Test
    void systemdVerifyReportsABrokenSetting() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        String broken = Files.readString(UNIT).replace("ProtectSystem=strict", "ProtectSystem=sometimes");
        assertThat(systemdVerify(broken)).contains("protect system value", "sometimes");
    }

    // --- the checks ------------------------------------------------------------------------------------------

    /** What no schema sees, as readable problems (empty: consistent). */
    static List<String> problems(
            List<Map<String, Object>> objects, Set<String> generatedConfigMaps, Set<String> secretKeys) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> sts = statefulSet(objects);
        Map<String, Object> podLabels = map(sts, "spec", "template", "metadata", "labels");
        if (!matches(map(sts, "spec", "selector", "matchLabels"), podLabels)) {
            problems.add("StatefulSet selector does not select its own pods' labels " + podLabels);
        }
        Set<String> claims = new TreeSet<>();
        for (Map<String, Object> o : objects) {
            String kind = (String) o.get("kind");
            String name = (String) map(o, "metadata").get("name");
            if (kind.equals("Service") && !matches(map(o, "spec", "selector"), podLabels)) {
                problems.add("Service/" + name + " selector selects no hub pod");
            }
            if (kind.equals("PodDisruptionBudget") && !matches(map(o, "spec", "selector", "matchLabels"), podLabels)) {
                problems.add("PodDisruptionBudget/" + name + " selects no hub pod");
            }
            if (kind.equals("PersistentVolumeClaim")) {
                claims.add(name);
            }
        }
        if (byKindAndName(objects, "Service", (String) map(sts, "spec").get("serviceName")) == null) {
            problems.add("StatefulSet serviceName names no Service");
        }
        Set<String> volumes = new TreeSet<>();
        for (Map<String, Object> v : list(map(sts, "spec", "template", "spec"), "volumes")) {
            volumes.add((String) v.get("name"));
            if (v.get("configMap") instanceof Map<?, ?> cm && !generatedConfigMaps.contains(cm.get("name"))) {
                problems.add("volume " + v.get("name") + " names ConfigMap " + cm.get("name") + " that nothing makes");
            }
            if (v.get("persistentVolumeClaim") instanceof Map<?, ?> pvc && !claims.contains(pvc.get("claimName"))) {
                problems.add(
                        "volume " + v.get("name") + " names claim " + pvc.get("claimName") + " that nothing makes");
            }
        }
        for (Map<String, Object> t : list(map(sts, "spec"), "volumeClaimTemplates")) {
            volumes.add((String) map(t, "metadata").get("name"));
        }
        Map<String, Object> c = container(sts);
        for (Map<String, Object> m : list(c, "volumeMounts")) {
            if (!volumes.contains(m.get("name"))) {
                problems.add("volumeMount " + m.get("name") + " at " + m.get("mountPath") + " has no volume");
            }
        }
        for (Map<String, Object> e : list(c, "env")) {
            if (e.get("valueFrom") instanceof Map<?, ?> from && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
                String key = ref.get("name") + "/" + ref.get("key");
                if (!secretKeys.contains(key)) {
                    problems.add(
                            "env " + e.get("name") + " reads Secret key " + key + " that secrets.example.yaml lacks");
                }
            }
        }
        return problems;
    }

    private static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    /** Runs src/test/k8s/validate.mjs (kubernetes-models) on the objects; one result line per object. */
    private List<String> validate(List<Map<String, Object>> objects) throws Exception {
        Path input = tmp.resolve("objects.json");
        new ObjectMapper().writeValue(input.toFile(), objects);
        return node("validate.mjs", "kubernetes-models", input);
    }

    /** Runs src/test/k8s/lint-dockerfile.mjs (dockerfile-utils) on the text; one line per finding. */
    private List<String> lintDockerfile(String dockerfile) throws Exception {
        Path file = tmp.resolve("Dockerfile");
        Files.writeString(file, dockerfile);
        return node("lint-dockerfile.mjs", "dockerfile-utils", file);
    }

    /** Runs a script of src/test/k8s on the file (skipped where its npm package is not installed); its output lines. */
    private static List<String> node(String script, String npmPackage, Path file) throws Exception {
        assumeTrue(
                Files.isDirectory(VALIDATOR.resolve("node_modules/" + npmPackage)),
                npmPackage + " is not installed: (cd src/test/k8s && npm install), as .ci/run does");
        Process node = new ProcessBuilder("node", script, file.toAbsolutePath().toString())
                .directory(VALIDATOR.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private String systemdVerify(String unit) throws Exception {
        Path file = tmp.resolve("vision-hub.service");
        Files.writeString(file, unit);
        Process verify = new ProcessBuilder("systemd-analyze", "verify", "--man=no", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(1, TimeUnit.MINUTES)).isTrue();
        // a wrong value is only a warning for systemd (exit 0): any line it prints is a finding
        return out.strip();
    }

    // --- reading ---------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> manifests() throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String file : List.of("vision-hub.yaml", "secrets.example.yaml")) {
            for (Object doc : new Yaml().loadAll(Files.readString(K8S.resolve(file)))) {
                if (doc != null) {
                    objects.add((Map<String, Object>) doc);
                }
            }
        }
        return objects;
    }

    /** configMapGenerator of kustomization.yaml: ConfigMap name to files (relative to deploy/kubernetes). */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> generators() throws IOException {
        Map<String, Object> k = yaml(K8S.resolve("kustomization.yaml"));
        assertThat(strings(k, "resources")).as("kustomization resources").contains("vision-hub.yaml");
        Map<String, List<String>> generators = new LinkedHashMap<>();
        for (Map<String, Object> g : list(k, "configMapGenerator")) {
            generators.put((String) g.get("name"), (List<String>) g.get("files"));
        }
        return generators;
    }

    private static Set<String> generatorNames() throws IOException {
        return generators().keySet();
    }

    /** The ConfigMaps kustomize makes (without its name suffix): one key per file, the file's name. */
    static List<Map<String, Object>> generatedConfigMaps() throws IOException {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Map.Entry<String, List<String>> g : generators().entrySet()) {
            Map<String, Object> data = new LinkedHashMap<>();
            for (String f : g.getValue()) {
                Path file = K8S.resolve(f).normalize();
                assertThat(file).as("file of ConfigMap " + g.getKey()).isRegularFile();
                assertThat(data.put(file.getFileName().toString(), Files.readString(file)))
                        .as("two files named " + file.getFileName() + " in ConfigMap " + g.getKey())
                        .isNull();
            }
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("apiVersion", "v1");
            cm.put("kind", "ConfigMap");
            cm.put("metadata", Map.of("name", g.getKey()));
            cm.put("data", data);
            maps.add(cm);
        }
        return maps;
    }

    /** name/key of every Secret in secrets.example.yaml. */
    private static Set<String> secretKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        for (Map<String, Object> o : manifests()) {
            if ("Secret".equals(o.get("kind"))) {
                for (String key : map(o, "stringData").keySet()) {
                    keys.add(map(o, "metadata").get("name") + "/" + key);
                }
            }
        }
        return keys;
    }

    /** Every key the hub documents with a default (application.yaml, its profiles and config/*.yaml). */
    private static Map<String, Object> hubDefaults() throws IOException {
        Map<String, Object> keys = new LinkedHashMap<>();
        Path resources = Path.of("src/main/resources");
        List<Path> files = new ArrayList<>(List.of(resources.resolve("application.yaml")));
        try (Stream<Path> config = Files.list(resources.resolve("config"))) {
            config.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        for (Path f : files) {
            keys.putAll(flatten(yaml(f)));
        }
        return keys;
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>vision-hub</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(file));
    }

    /** Dotted keys to leaf values (lists are leaves). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> flat = new LinkedHashMap<>();
        tree.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                flatten((Map<String, Object>) m).forEach((k2, v2) -> flat.put(k + "." + k2, v2));
            } else {
                flat.put(k, v);
            }
        });
        return flat;
    }

    private static Map<String, Object> statefulSet(List<Map<String, Object>> objects) {
        return byKindAndName(objects, "StatefulSet", "vision-hub");
    }

    private static Map<String, Object> byKindAndName(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.get("kind"))
                        && name.equals(map(o, "metadata").get("name")))
                .findFirst()
                .orElse(null);
    }

    private static Map<String, Object> container(Map<String, Object> sts) {
        List<Map<String, Object>> containers = list(map(sts, "spec", "template", "spec"), "containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Object portOf(Map<String, Object> container, String name) {
        return list(container, "ports").stream()
                .filter(p -> name.equals(p.get("name")))
                .map(p -> p.get("containerPort"))
                .findFirst()
                .orElse(null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String... path) {
        Map<String, Object> at = m;
        for (String p : path) {
            at = at == null ? null : (Map<String, Object>) at.get(p);
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v == null ? new ArrayList<>() : (List<Map<String, Object>>) v;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v == null ? new ArrayList<>() : (List<String>) v;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T o) {
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return (T) copy;
        }
        if (o instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return o;
    }
}
