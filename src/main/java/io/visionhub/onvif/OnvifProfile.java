package io.visionhub.onvif;

/**
 * A media profile of a camera (ONVIF Media GetProfiles): its token (what GetStreamUri takes), its name, and the
 * video encoder's encoding and resolution when the profile has one (0 when not).
 */
public record OnvifProfile(String token, String name, String encoding, int width, int height) {

    /** "token (name, H264 1920x1080)" for lists in errors and the CLI. */
    public String summary() {
        StringBuilder b = new StringBuilder(token);
        b.append(" (").append(name == null || name.isEmpty() ? "no name" : name);
        if (encoding != null) {
            b.append(", ").append(encoding);
        }
        if (width > 0) {
            b.append(' ').append(width).append('x').append(height);
        }
        return b.append(')').toString();
    }
}
