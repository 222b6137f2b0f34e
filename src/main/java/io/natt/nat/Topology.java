package io.natt.nat;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

/** The hosts and NATs of one scenario, and where they can be observed. Closing removes them. */
public interface Topology extends AutoCloseable {
  Host harness();

  Host iut();

  /** The address the IUT sees the harness at (the NAT's public address, or the harness's own). */
  Inet4Address harnessPublicAddress();

  /**
   * The harness's address inside the tunnel: behind a NAT its private address (the road-warrior
   * case), otherwise an address of a network behind the harness, so that the IUT's route into the
   * tunnel never covers the harness's own public address.
   */
  Inet4Address harnessInnerAddress();

  /** The network of {@link #harnessInnerAddress()}, as a.b.c.d/len (the IUT's remote_ts). */
  String harnessInnerNet();

  /** The NAT in front of the harness, if any. */
  Optional<NatBehaviour> harnessNat();

  List<CapturePoint> capturePoints();

  /** Forgets every NAT mapping (conntrack flush), so the next packet gets a new one. */
  void flushNatMappings();

  @Override
  void close();
}
