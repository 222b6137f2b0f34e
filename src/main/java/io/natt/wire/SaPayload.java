package io.natt.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Security Association payload (RFC 2408 3.4) with its nested proposal and transform payloads (3.5,
 * 3.6). The situation is always 4 bytes (IPsec DOI, RFC 2407 4.2; SIT_IDENTITY_ONLY).
 *
 * <p>Decoding is strict so that a decoded SA re-encodes byte for byte: proposal next-payload must
 * be 2 (more follow) or 0 (last); transform next-payload must be 3 for all but the last of the
 * announced count and 0 for the last; reserved bytes must be 0; no bytes may be left over.
 */
public record SaPayload(long doi, long situation, List<Proposal> proposals) implements Payload {

  public SaPayload {
    proposals = List.copyOf(proposals);
  }

  /** IPsec DOI, SIT_IDENTITY_ONLY. */
  public static SaPayload ipsec(Proposal... proposals) {
    return new SaPayload(IpsecAttr.DOI_IPSEC, IpsecAttr.SIT_IDENTITY_ONLY, List.of(proposals));
  }

  @Override
  public int type() {
    return PayloadType.SA.code();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.u32(doi).u32(situation);
    for (int i = 0; i < proposals.size(); i++) {
      proposals.get(i).encode(w, i == proposals.size() - 1);
    }
  }

  static SaPayload decodeBody(WireReader r, String field) {
    long doi = r.u32(field + " doi");
    long sit = r.u32(field + " situation");
    List<Proposal> props = new ArrayList<>();
    boolean more = r.remaining() > 0;
    for (int p = 0; more; p++) {
      String pf = field + " proposal[" + p + "]";
      int npAt = r.position();
      int np = r.u8(pf + " next payload");
      if (np != 0 && np != PayloadType.PROPOSAL.code()) {
        throw r.malformedAt(pf + " next payload", npAt, "expected 2 (PROPOSAL) or 0, got " + np);
      }
      reserved(r, pf);
      int lenAt = r.position();
      int len = r.u16(pf + " length");
      if (len < Proposal.HEADER_SIZE) {
        throw r.malformedAt(pf + " length", lenAt, "length " + len + " < 8");
      }
      if (len - 4 > r.remaining()) {
        throw r.malformedAt(
            pf + " length", lenAt, "length " + len + " runs past the end of the SA payload");
      }
      props.add(decodeProposal(r.slice(len - 4, pf + " body"), pf));
      more = np != 0;
    }
    r.expectEnd(field + " end");
    return new SaPayload(doi, sit, props);
  }

  private static void reserved(WireReader r, String f) {
    int at = r.position();
    if (r.u8(f + " reserved") != 0) {
      throw r.malformedAt(f + " reserved", at, "reserved byte not zero");
    }
  }

  private static Proposal decodeProposal(WireReader r, String pf) {
    int number = r.u8(pf + " number");
    int proto = r.u8(pf + " protocol id");
    int spiSize = r.u8(pf + " spi size");
    int countAt = r.position();
    int count = r.u8(pf + " transform count");
    byte[] spi = r.bytes(spiSize, pf + " spi");
    List<Transform> ts = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      String tf = pf + " transform[" + t + "]";
      if (r.remaining() == 0) {
        throw r.malformedAt(
            pf + " transform count",
            countAt,
            "count says " + count + " transforms, proposal holds only " + t);
      }
      int npAt = r.position();
      int np = r.u8(tf + " next payload");
      int expected = t == count - 1 ? 0 : PayloadType.TRANSFORM.code();
      if (np != expected) {
        if (np == 0 || np == PayloadType.TRANSFORM.code()) {
          throw r.malformedAt(
              pf + " transform count",
              countAt,
              "count says " + count + " transforms but transform[" + t + "] next payload is " + np);
        }
        throw r.malformedAt(tf + " next payload", npAt, "expected 3 (TRANSFORM) or 0, got " + np);
      }
      reserved(r, tf);
      int lenAt = r.position();
      int len = r.u16(tf + " length");
      if (len < Transform.HEADER_SIZE) {
        throw r.malformedAt(tf + " length", lenAt, "length " + len + " < 8");
      }
      if (len - 4 > r.remaining()) {
        throw r.malformedAt(
            tf + " length", lenAt, "length " + len + " runs past the end of the proposal");
      }
      ts.add(decodeTransform(r.slice(len - 4, tf + " body"), tf));
    }
    if (r.remaining() != 0) {
      throw r.malformedAt(
          pf + " transform count",
          countAt,
          "count says " + count + " transforms, " + r.remaining() + " bytes left after them");
    }
    return new Proposal(number, proto, spi, ts);
  }

  private static Transform decodeTransform(WireReader r, String tf) {
    int number = r.u8(tf + " number");
    int id = r.u8(tf + " transform id");
    int at = r.position();
    if (r.u16(tf + " reserved") != 0) {
      throw r.malformedAt(tf + " reserved", at, "reserved bytes not zero");
    }
    List<Attribute> attrs = new ArrayList<>();
    for (int a = 0; r.remaining() > 0; a++) {
      attrs.add(Attribute.decode(r, tf + " attribute[" + a + "]"));
    }
    return new Transform(number, id, attrs);
  }

  @Override
  public String toString() {
    return "SaPayload[doi=" + doi + ", situation=" + situation + ", " + proposals + "]";
  }
}
