package io.visionhub.broker;

/**
 * The embedded broker's library, HiveMQ CE, which the production jar leaves out (pom.xml, the repackage execution's
 * excludes): a plant runs its own broker. {@code ./mvnw spring-boot:run}, the tests and a jar built with
 * {@code -Pembedded-broker} have it. Without it the hub would fail deep in HiveMQ's first class with a
 * NoClassDefFoundError, so it checks first and names the setting and the fix.
 */
final class EmbeddedBrokerLibraries {

    static final String BUILD_HINT = "./mvnw clean package -Pembedded-broker";
    static final String HIVEMQ_CLASS = "com.hivemq.embedded.EmbeddedHiveMQ";

    private EmbeddedBrokerLibraries() {}

    /** Refuses to start the embedded broker where HiveMQ is not on the class path, saying what to do instead. */
    static void require(ClassLoader loader) {
        try {
            Class.forName(HIVEMQ_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new EmbeddedBrokerNotInJarException();
        }
    }
}
