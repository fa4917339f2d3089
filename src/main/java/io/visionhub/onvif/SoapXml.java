package io.visionhub.onvif;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * SOAP 1.2 envelopes and the few DOM look-ups ONVIF answers need, with the JDK's XML parser (no SOAP stack: the
 * calls are a handful of fixed documents, and cameras differ in namespace prefixes, so elements are found by local
 * name). Parsing refuses DOCTYPEs (no external entities from a camera's answer).
 */
public final class SoapXml {

    public static final String SOAP_NS = "http://www.w3.org/2003/05/soap-envelope";
    public static final String TDS = "http://www.onvif.org/ver10/device/wsdl";
    public static final String TRT = "http://www.onvif.org/ver10/media/wsdl";
    /** Media2 (Profile T): profiles with typed configurations, GetStreamUri by protocol name. */
    public static final String TR2 = "http://www.onvif.org/ver20/media/wsdl";

    public static final String TT = "http://www.onvif.org/ver10/schema";
    public static final String TEV = "http://www.onvif.org/ver10/events/wsdl";
    public static final String WSNT = "http://docs.oasis-open.org/wsn/b-2";
    public static final String WSA = "http://www.w3.org/2005/08/addressing";
    public static final String TNS1 = "http://www.onvif.org/ver10/topics";

    private SoapXml() {}

    /** A SOAP 1.2 envelope; header may be empty. */
    public static String envelope(String header, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<s:Envelope xmlns:s=\"" + SOAP_NS + "\" xmlns:tds=\"" + TDS + "\" xmlns:trt=\"" + TRT
                + "\" xmlns:tr2=\"" + TR2 + "\" xmlns:tt=\"" + TT + "\" xmlns:tev=\"" + TEV + "\" xmlns:wsnt=\"" + WSNT
                + "\" xmlns:wsa=\""
                + WSA + "\" xmlns:tns1=\"" + TNS1 + "\">"
                + "<s:Header>" + (header == null ? "" : header) + "</s:Header>"
                + "<s:Body>" + body + "</s:Body></s:Envelope>";
    }

    /** Parses a document, namespace-aware, DOCTYPE refused; throws IllegalArgumentException naming the problem. */
    public static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The SOAP Body element, or null when the document is not a SOAP envelope. */
    public static Element body(Document doc) {
        Element env = doc.getDocumentElement();
        if (env == null || !"Envelope".equals(env.getLocalName())) {
            return null;
        }
        return child(env, "Body");
    }

    /** The SOAP Header element, or null. */
    public static Element header(Document doc) {
        Element env = doc.getDocumentElement();
        return env == null ? null : child(env, "Header");
    }

    /** The first direct child element with this local name, or null. */
    public static Element child(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    /** The direct child elements with this local name. */
    public static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The first descendant element with this local name (depth first), or null. */
    public static Element find(Element root, String localName) {
        if (root == null) {
            return null;
        }
        NodeList all = root.getElementsByTagNameNS("*", localName);
        return all.getLength() == 0 ? null : (Element) all.item(0);
    }

    /** Every descendant element with this local name. */
    public static List<Element> findAll(Element root, String localName) {
        List<Element> out = new ArrayList<>();
        if (root == null) {
            return out;
        }
        NodeList all = root.getElementsByTagNameNS("*", localName);
        for (int i = 0; i < all.getLength(); i++) {
            out.add((Element) all.item(i));
        }
        return out;
    }

    /** Trimmed text of the element at this path of local names below root, or null. */
    public static String text(Element root, String... path) {
        Element e = root;
        for (String p : path) {
            e = child(e, p);
            if (e == null) {
                return null;
            }
        }
        String t = e.getTextContent();
        return t == null ? null : t.trim();
    }

    /** XML text escaping for values put into a document. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A SOAP 1.2 fault, as read from an answer. */
    public record Fault(String code, String subcode, String reason) {

        /** The fault in the body, or null when the body holds none. */
        public static Fault of(Element body) {
            Element fault = child(body, "Fault");
            if (fault == null) {
                return null;
            }
            Element code = child(fault, "Code");
            String value = text(code, "Value");
            Element sub = child(code, "Subcode");
            String subValue = null;
            // the innermost subcode is the most specific (ter:NotAuthorized sits one or two levels down)
            while (sub != null) {
                subValue = text(sub, "Value");
                sub = child(sub, "Subcode");
            }
            Element reason = child(fault, "Reason");
            String text = reason == null ? null : text(reason, "Text");
            if (text == null) {
                // SOAP 1.1 style faultstring, which some cameras still send
                text = text(fault, "faultstring");
                if (value == null) {
                    value = text(fault, "faultcode");
                }
            }
            return new Fault(value, subValue, text);
        }

        /** A refused login, by the ONVIF error code or the WS-Security one. */
        public boolean isAuthentication() {
            String all = (code + " " + subcode + " " + reason).toLowerCase();
            return all.contains("notauthorized")
                    || all.contains("failedauthentication")
                    || all.contains("not authorized");
        }

        @Override
        public String toString() {
            return (subcode != null ? subcode : code) + (reason != null ? " (" + reason + ")" : "");
        }
    }
}
