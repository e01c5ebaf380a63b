"""Unit tests for simulator.net.dns: zone parsing, queries, the MX walk, reverse DNS."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.net.dns import DNS, Answer, MXResult, Record, ZoneError

ZONE = """\
$ORIGIN example.org.
$TTL 1h
; the mail exchangers of example.org
@           IN  MX  10 mx1
                MX  20 mx2          ; continuation: same owner
                MX  30 backup.example.net.
mx1     300 IN  A   192.0.2.1
mx2         IN  A   192.0.2.2
mx2             A   192.0.2.3
www             CNAME mx1
@               TXT "v=spf1 mx -all ; not a comment"
1.2.0.192.in-addr.arpa.  PTR mx1.example.org.
backup.example.net.      A   198.51.100.7
"""


@pytest.fixture
def dns() -> DNS:
    return DNS.from_text(ZONE)


def rng(seed: int = 1) -> random.Random:
    return random.Random(seed)


def names(result: MXResult) -> list[str]:
    return [h.hostname for h in result.hosts]


# --- zone parsing ----------------------------------------------------------------------------

def test_relative_names_origin_and_at_sign(dns: DNS) -> None:
    assert [r.data for r in dns.query("example.org.", "MX").records] == [
        "10 mx1.example.org.", "20 mx2.example.org.", "30 backup.example.net."]


def test_ttl_from_line_from_dollar_ttl_and_default() -> None:
    assert DNS.from_text(ZONE).query("mx1.example.org", "A").records[0].ttl == 300
    assert DNS.from_text(ZONE).query("mx2.example.org", "A").records[0].ttl == 3600
    plain = DNS.from_text("a.example. A 192.0.2.9", default_ttl=60)
    assert plain.query("a.example.", "A").records[0].ttl == 60


def test_ttl_and_class_are_optional_and_in_either_order() -> None:
    zone = DNS.from_text("a.example. IN 120 A 192.0.2.1\nb.example. 2m A 192.0.2.2\n"
                         "c.example. a 192.0.2.3")
    assert zone.query("a.example", "A").records[0].ttl == 120
    assert zone.query("b.example", "A").records[0].ttl == 120
    assert zone.query("c.example", "A").records[0].data == "192.0.2.3"


def test_comments_blank_lines_and_quoted_semicolons(dns: DNS) -> None:
    txt = dns.query("example.org", "TXT").records
    assert [r.data for r in txt] == ['"v=spf1 mx -all ; not a comment"']


def test_continuation_line_reuses_previous_owner(dns: DNS) -> None:
    assert {r.name for r in dns.query("example.org", "MX").records} == {"example.org."}
    assert [r.data for r in dns.query("mx2.example.org", "A").records] == [
        "192.0.2.2", "192.0.2.3"]


def test_names_are_case_insensitive_and_stored_lower_case() -> None:
    zone = DNS.from_text("$ORIGIN Example.ORG.\nMX1 A 192.0.2.1\n@ MX 10 MX1")
    assert zone.query("mx1.EXAMPLE.org", "a").records[0].name == "mx1.example.org."
    assert zone.query("example.org", "MX").records[0].data == "10 mx1.example.org."


def test_relative_origin_is_appended_to_the_current_one() -> None:
    zone = DNS.from_text("$ORIGIN org.\n$ORIGIN example\nmx1 A 192.0.2.1")
    assert zone.query("mx1.example.org.", "A").rcode == "NOERROR"


def test_ns_and_soa_are_accepted_and_stored() -> None:
    zone = DNS.from_text("$ORIGIN example.org.\n@ NS ns1\n"
                         "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 3600")
    assert zone.query("example.org", "NS").records[0].data == "ns1.example.org."
    assert zone.query("example.org", "SOA").records[0].data.startswith(
        "ns1.example.org. hostmaster.example.org. 2024010101")


def test_record_str_is_dig_style(dns: DNS) -> None:
    record = dns.query("example.org", "MX").records[0]
    assert str(record) == "example.org.\t3600\tIN\tMX\t10 mx1.example.org."


def test_duplicate_records_are_stored_once() -> None:
    zone = DNS.from_text("a.example. A 192.0.2.1\na.example. A 192.0.2.1")
    assert len(zone.query("a.example", "A").records) == 1


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("$ORIGIN example.org.\n\nexample.org. MX mx1", 3, "MX <preference 0-65535> <exchange>"),
    ("a.example. MX 70000 mx.example.", 1, "MX <preference 0-65535>"),
    ("; ok\na.example. A 192.0.2.256", 2, "IPv4 address"),
    ("a.example. A mx1.example.", 1, "IPv4 address"),
    ("a.example. A 192.0.2.1 192.0.2.2", 1, "IPv4 address"),
    ("a.example. AAAA 2001:db8::1", 1, "expected one of A, MX, PTR, CNAME, TXT, NS, SOA"),
    ("a.example. A 1.2.3.4\nmx1 A 192.0.2.1", 2, "relative name 'mx1' needs a $ORIGIN"),
    ("@ MX 10 mx.example.", 1, "'@' needs a $ORIGIN"),
    ("   A 192.0.2.1", 1, "repeats the previous name"),
    ("$INCLUDE other.zone", 1, "expected '$ORIGIN <domain>' or '$TTL <seconds>'"),
    ("$TTL soon", 1, "$TTL <seconds>"),
    ('a.example. TXT "open', 1, "unterminated quoted string"),
    ("a.example. SOA ns hm (", 1, "parentheses are not supported"),
    ("a.example.", 1, "expected '[ttl] [IN] TYPE rdata'"),
    ("a.example. 60 60 A 192.0.2.1", 1, "TTL given twice"),
    ("a.example. CNAME b.example.\na.example. A 192.0.2.1", 2, "CNAME and other records"),
    ("a.example. PTR", 1, "expected 'PTR <name>'"),
    ("bad_name!. A 192.0.2.1", 1, "not a valid domain name"),
    ("a.example. 9999999999 A 192.0.2.1", 1, "RFC 2181"),
])
def test_zone_errors_name_the_line_and_the_expectation(text: str, line: int, reason: str) -> None:
    with pytest.raises(ZoneError) as caught:
        DNS.from_text(text)
    err = caught.value
    assert err.line == line
    assert err.text == text.split("\n")[line - 1]
    assert reason in err.reason
    assert str(err).startswith(f"line {line}: {err.text!r}: ")


def test_zone_error_is_a_value_error() -> None:
    assert issubclass(ZoneError, ValueError)


def test_add_accepts_canonical_records_and_rejects_others() -> None:
    dns = DNS()
    dns.add(Record("example.org.", 60, "MX", "10 mx1.example.org."))
    assert dns.query("example.org", "MX").records[0].data == "10 mx1.example.org."
    with pytest.raises(ValueError, match="canonical"):
        dns.add(Record("example.org.", 60, "MX", "10 MX2.example.org."))
    with pytest.raises(ValueError, match="absolute lower-case"):
        dns.add(Record("Example.org", 60, "A", "192.0.2.1"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(["$ORIGIN", "$TTL", "@", "example.org.", "mx1", " ", "\t", "IN",
                              "3600", "1h", "A", "MX", "PTR", "CNAME", "TXT", "NS", "SOA",
                              "10", "65536", "192.0.2.1", ".", '"x', '"a b"', ";", "(", "x..y"]),
             max_size=8).map(" ".join),
), max_size=12))
def test_from_text_raises_only_zone_error(lines: list[str]) -> None:
    try:
        DNS.from_text("\n".join(lines))
    except ZoneError as err:
        assert err.line >= 1 and err.reason


# --- queries -----------------------------------------------------------------------------------

def test_query_noerror_nxdomain_and_nodata(dns: DNS) -> None:
    assert dns.query("mx1.example.org", "A").summary() == "NOERROR: 192.0.2.1"
    missing = dns.query("nope.example.org", "A")
    assert (missing.rcode, missing.records, missing.summary()) == ("NXDOMAIN", (), "NXDOMAIN")
    nodata = dns.query("mx1.example.org", "MX")
    assert (nodata.rcode, nodata.records) == ("NOERROR", ())
    assert nodata.summary() == "NOERROR (no MX records)"


def test_a_name_above_an_owner_exists_without_records() -> None:
    # RFC 8020: an empty non-terminal answers NODATA, not NXDOMAIN.
    dns = DNS.from_text("mx1.mail.example.org. A 192.0.2.1")
    assert dns.query("mail.example.org", "A").rcode == "NOERROR"


def test_mx_summary_lists_the_records(dns: DNS) -> None:
    assert dns.query("example.org", "MX").summary() == (
        "NOERROR: 10 mx1.example.org., 20 mx2.example.org., 30 backup.example.net.")


def test_cname_is_followed_and_included_in_the_answer(dns: DNS) -> None:
    answer = dns.query("www.example.org", "A")
    assert answer.qname == "www.example.org."
    assert [(r.rtype, r.data) for r in answer.records] == [
        ("CNAME", "mx1.example.org."), ("A", "192.0.2.1")]
    assert [r.data for r in answer.rrset] == ["192.0.2.1"]
    assert answer.summary() == "NOERROR: CNAME mx1.example.org., 192.0.2.1"
    assert dns.query("www.example.org", "CNAME").rrset[0].data == "mx1.example.org."


def test_cname_loop_is_servfail() -> None:
    dns = DNS.from_text("a.example. CNAME b.example.\nb.example. CNAME a.example.")
    assert dns.query("a.example", "A") == Answer("a.example.", "A", "SERVFAIL", ())


def test_set_failure_for_one_type_and_for_every_type(dns: DNS) -> None:
    dns.set_failure("example.org", "MX", "SERVFAIL")
    assert dns.query("example.org", "MX").rcode == "SERVFAIL"
    assert dns.query("example.org", "TXT").rcode == "NOERROR"
    dns.set_failure("mx1.example.org.", None, "NXDOMAIN")
    assert dns.query("mx1.example.org", "A").rcode == "NXDOMAIN"
    dns.clear_failure("example.org", "MX")
    dns.clear_failure("mx1.example.org")
    assert dns.query("example.org", "MX").rcode == "NOERROR"
    assert dns.query("mx1.example.org", "A").rcode == "NOERROR"
    with pytest.raises(ValueError, match="SERVFAIL"):
        dns.set_failure("example.org", None, "REFUSED")


# --- the MX walk ---------------------------------------------------------------------------

def test_mx_hosts_in_preference_order_with_addresses(dns: DNS) -> None:
    result = dns.resolve_mx("Example.ORG", rng())
    assert (result.status, result.detail, result.temporary, result.dsn) == ("ok", "", False, None)
    assert [(h.preference, h.hostname, h.addresses, h.implicit) for h in result.hosts] == [
        (10, "mx1.example.org", ("192.0.2.1",), False),
        (20, "mx2.example.org", ("192.0.2.2", "192.0.2.3"), False),
        (30, "backup.example.net", ("198.51.100.7",), False)]
    assert [(q.qname, q.qtype) for q in result.queries] == [
        ("example.org.", "MX"), ("mx1.example.org.", "A"), ("mx2.example.org.", "A"),
        ("backup.example.net.", "A")]


def test_zone_order_does_not_matter_only_preference() -> None:
    dns = DNS.from_text("$ORIGIN d.example.\n@ MX 30 c\n@ MX 10 a\n@ MX 20 b\n"
                        "a A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3")
    assert names(dns.resolve_mx("d.example", rng())) == ["a.d.example", "b.d.example",
                                                         "c.d.example"]


EQUAL = ("$ORIGIN eq.example.\n@ MX 10 a\n@ MX 10 b\n@ MX 5 first\n"
         "a A 192.0.2.1\nb A 192.0.2.2\nfirst A 192.0.2.5")


def test_equal_preferences_are_shuffled_deterministically_per_seed() -> None:
    dns = DNS.from_text(EQUAL)
    for seed in range(10):
        assert names(dns.resolve_mx("eq.example", rng(seed))) == \
            names(dns.resolve_mx("eq.example", rng(seed)))


def test_equal_preference_order_varies_across_seeds_but_never_beats_better() -> None:
    dns = DNS.from_text(EQUAL)
    orders = {tuple(names(dns.resolve_mx("eq.example", rng(seed)))) for seed in range(40)}
    assert orders == {("first.eq.example", "a.eq.example", "b.eq.example"),
                      ("first.eq.example", "b.eq.example", "a.eq.example")}


def test_equal_preference_order_ignores_zone_order() -> None:
    swapped = EQUAL.replace("@ MX 10 a\n@ MX 10 b", "@ MX 10 b\n@ MX 10 a")
    for seed in range(10):
        assert names(DNS.from_text(EQUAL).resolve_mx("eq.example", rng(seed))) == \
            names(DNS.from_text(swapped).resolve_mx("eq.example", rng(seed)))


def test_implicit_mx_uses_the_domains_a_record() -> None:
    dns = DNS.from_text("plain.example. A 192.0.2.8")
    result = dns.resolve_mx("plain.example", rng())
    assert result.status == "ok"
    assert [(h.preference, h.hostname, h.addresses, h.implicit) for h in result.hosts] == [
        (0, "plain.example", ("192.0.2.8",), True)]
    assert [q.summary() for q in result.queries] == ["NOERROR (no MX records)",
                                                     "NOERROR: 192.0.2.8"]


def test_no_mx_and_no_address_is_a_permanent_failure() -> None:
    dns = DNS.from_text("txtonly.example. TXT hello")
    result = dns.resolve_mx("txtonly.example", rng())
    assert (result.status, result.temporary, result.dsn) == ("no_mx_address", False, "5.4.4")
    assert result.detail == ("Host or domain name not found. Name service error for "
                             "name=txtonly.example type=A: "
                             "Host found but no data record of requested type")


def test_null_mx_refuses_mail_at_once() -> None:
    dns = DNS.from_text("null.example. MX 0 .\nnull.example. A 192.0.2.9")
    result = dns.resolve_mx("null.example", rng())
    assert (result.status, result.hosts, result.dsn) == ("null_mx", (), "5.1.0")
    assert result.detail == "Domain null.example does not accept mail (nullMX)"
    assert len(result.queries) == 1  # no A lookups, no implicit MX


def test_nxdomain_is_permanent_with_postfix_text(dns: DNS) -> None:
    result = dns.resolve_mx("example.invalid", rng())
    assert (result.status, result.temporary, result.dsn) == ("nxdomain", False, "5.4.4")
    # Postfix falls back to the A lookup when the MX lookup says "not found", so type=A.
    assert result.detail == ("Host or domain name not found. Name service error for "
                             "name=example.invalid type=A: Host not found")
    assert [(q.qtype, q.rcode) for q in result.queries] == [("MX", "NXDOMAIN"),
                                                            ("A", "NXDOMAIN")]


def test_servfail_is_temporary_with_postfix_text(dns: DNS) -> None:
    dns.set_failure("example.org", None, "SERVFAIL")
    result = dns.resolve_mx("example.org", rng())
    assert (result.status, result.temporary, result.dsn) == ("servfail", True, "4.4.3")
    assert result.detail == ("Host or domain name not found. Name service error for "
                             "name=example.org type=MX: Host not found, try again")
    dns.clear_failure("example.org")
    assert dns.resolve_mx("example.org", rng()).status == "ok"


def test_exchange_without_address_is_skipped(dns: DNS) -> None:
    dns.set_failure("mx1.example.org", "A", "NXDOMAIN")
    assert names(dns.resolve_mx("example.org", rng())) == ["mx2.example.org",
                                                           "backup.example.net"]


def test_no_exchange_with_an_address_is_no_mx_address() -> None:
    dns = DNS.from_text("d.example. MX 10 gone.example.\nd.example. MX 20 txt.example.\n"
                        "txt.example. TXT x")
    result = dns.resolve_mx("d.example", rng())
    assert (result.status, result.temporary) == ("no_mx_address", False)
    assert result.detail.endswith("name=txt.example type=A: "
                                  "Host found but no data record of requested type")


def test_a_temporary_exchange_failure_makes_no_address_temporary() -> None:
    dns = DNS.from_text("d.example. MX 10 a.example.\nd.example. MX 20 b.example.")
    dns.set_failure("a.example", "A", "SERVFAIL")
    result = dns.resolve_mx("d.example", rng())
    assert (result.status, result.temporary) == ("servfail", True)


def test_mx_pointing_at_a_cname_is_followed() -> None:
    dns = DNS.from_text("d.example. MX 10 alias.example.\nalias.example. CNAME real.example.\n"
                        "real.example. A 192.0.2.4")
    assert dns.resolve_mx("d.example", rng()).hosts[0].addresses == ("192.0.2.4",)


def test_self_drops_itself_and_every_worse_host(dns: DNS) -> None:
    result = dns.resolve_mx("example.org", rng(), frozenset({"mx2.example.org"}))
    assert (result.status, names(result)) == ("ok", ["mx1.example.org"])


def test_self_is_also_found_by_address(dns: DNS) -> None:
    result = dns.resolve_mx("example.org", rng(), frozenset({"198.51.100.7"}))
    assert names(result) == ["mx1.example.org", "mx2.example.org"]


def test_primary_mx_that_finds_itself_loops_to_self(dns: DNS) -> None:
    result = dns.resolve_mx("example.org", rng(), frozenset({"mx1.example.org."}))
    assert (result.status, result.hosts, result.dsn) == ("loops_to_self", (), "5.4.6")
    assert result.detail == "mail for example.org loops back to myself"


def test_implicit_mx_that_is_myself_loops_to_self() -> None:
    dns = DNS.from_text("plain.example. A 192.0.2.8")
    result = dns.resolve_mx("plain.example", rng(), frozenset({"192.0.2.8"}))
    assert result.status == "loops_to_self"


def test_backup_mx_whose_primary_has_no_address_defers() -> None:
    dns = DNS.from_text("d.example. MX 10 primary.example.\nd.example. MX 20 backup.example.\n"
                        "backup.example. A 192.0.2.20")
    result = dns.resolve_mx("d.example", rng(), frozenset({"backup.example"}))
    assert (result.status, result.temporary, result.dsn) == ("no_primary_relay", True, "4.4.4")
    assert result.detail == "unable to find primary relay for d.example"


# --- reverse DNS --------------------------------------------------------------------------

def test_reverse_name_queries_in_addr_arpa(dns: DNS) -> None:
    assert dns.reverse_name("192.0.2.1") == "mx1.example.org"
    assert dns.reverse_name("192.0.2.99") is None


def test_verified_client_name_when_ptr_and_a_agree(dns: DNS) -> None:
    assert dns.verified_client_name("192.0.2.1") == "mx1.example.org"


def test_verified_client_name_unknown_when_a_does_not_list_the_ip() -> None:
    dns = DNS.from_text("9.2.0.192.in-addr.arpa. PTR mx1.example.org.\n"
                        "mx1.example.org. A 192.0.2.1")
    assert dns.reverse_name("192.0.2.9") == "mx1.example.org"
    assert dns.verified_client_name("192.0.2.9") == "unknown"


def test_verified_client_name_unknown_without_ptr(dns: DNS) -> None:
    assert dns.verified_client_name("203.0.113.5") == "unknown"


def test_a_change_of_the_zone_after_a_query_is_seen_by_the_next_query(dns: DNS) -> None:
    assert dns.query("new.example.org", "A").rcode == "NXDOMAIN"
    assert dns.query("example.org", "MX").rcode == "NOERROR"
    dns.add(Record("new.example.org.", 300, "A", "192.0.2.9"))
    dns.set_failure("example.org", "MX", "SERVFAIL")  # a fault injected mid-run (events.py)
    assert [r.data for r in dns.query("new.example.org", "A").rrset] == ["192.0.2.9"]
    assert dns.query("example.org", "MX").rcode == "SERVFAIL"
    assert dns.resolve_mx("example.org", rng()).temporary
    dns.clear_failure("example.org", "MX")
    assert dns.query("example.org", "MX").rcode == "NOERROR"


def test_an_mx_walk_is_kept_until_the_zone_changes_and_a_tie_is_drawn_each_time() -> None:
    dns = DNS.from_text(ZONE + "tie.example. MX 10 mx1.example.org.\n"
                               "tie.example. MX 10 mx2.example.org.\n")
    r = rng()
    first = dns.resolve_mx("example.org", r)
    state = r.getstate()
    assert dns.resolve_mx("example.org", r) == first and r.getstate() == state  # no draw
    orders = {tuple(h.hostname for h in dns.resolve_mx("tie.example", r).hosts)
              for _ in range(20)}
    assert len(orders) == 2 and r.getstate() != state  # RFC 5321 §5.1: shuffled every walk
    dns.set_failure("mx1.example.org", "A", "SERVFAIL")
    assert [h.hostname for h in dns.resolve_mx("example.org", r).hosts] == [
        "mx2.example.org", "backup.example.net"]
