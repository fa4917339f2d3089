package io.visionhub.enterprise;

import java.util.List;
import java.util.Objects;

/**
 * Turns a configured target url that is not an http(s) base URL into one, for names that only a given build
 * knows (the demo's {@code simulator:<name>} urls follow simulators that listen on ports chosen at start).
 * Every bean of this type is asked in turn; the enterprise concern itself knows no such names.
 */
@FunctionalInterface
public interface TargetUrlResolver {

    /** No resolver: every url is taken as written. */
    TargetUrlResolver NONE = url -> null;

    /**
     * The base URL that {@code url} stands for, or null when this resolver does not handle it. Throws a
     * {@link DeliveryException} when it handles the url but cannot resolve it (say why and what to configure).
     */
    String resolve(String url);

    /** Asks each resolver in order; the first answer wins. */
    static TargetUrlResolver firstOf(List<? extends TargetUrlResolver> resolvers) {
        List<TargetUrlResolver> all = List.copyOf(resolvers);
        return url -> all.stream()
                .map(r -> r.resolve(url))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }
}
