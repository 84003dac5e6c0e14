#!/usr/bin/perl
# SpamAssassin's verdict on PTR names: reads "name<TAB>ip" lines, writes one verdict per line:
# "dynamic (__RDNS_DYNAMIC_IPADDR, ...)" when RDNS_DYNAMIC fires, "static-exempt (...)" when a dynamic
# sub-rule matched but __RDNS_STATIC vetoed it, else "clean". The rules are Debian's
# (/usr/share/spamassassin, package spamassassin) run by SpamAssassin's own engine on a synthetic
# message whose last external relay is the IP with the name as its rDNS.
use strict;
use warnings;
use Mail::SpamAssassin;
use File::Temp qw(tempdir);
use File::Copy qw(copy);

my $rules = $ENV{SA_RULES_DIR} || '/usr/share/spamassassin';
# only the plugin loaders (*.pre) of the site config, not a developer's local.cf
my $site = tempdir(CLEANUP => 1);
copy($_, $site) or die "copy $_: $!" for glob('/etc/spamassassin/*.pre');
my $sa = Mail::SpamAssassin->new({
  rules_filename => $rules,
  site_rules_filename => $site,
  userprefs_filename => '/nonexistent',
  dont_copy_prefs => 1,
  local_tests_only => 1,
  post_config_text => "trusted_networks 10.0.0.0/8\ninternal_networks 10.0.0.0/8\n"
    . "use_bayes 0\nuse_auto_whitelist 0\n",
});
$sa->init(1);

while (my $line = <STDIN>) {
  chomp $line;
  my ($name, $ip) = split /\t/, $line;
  my $msg = "Received: from helo.invalid ($name [$ip])\n"
    . "\tby mx.internal.example (Postfix) with ESMTP id 4AbCdE12345\n"
    . "\tfor <rcpt\@internal.example>; Mon, 30 Nov 2026 03:00:00 +0000\n"
    . "From: sender\@example.org\nTo: rcpt\@internal.example\nSubject: corpus\n"
    . "Date: Mon, 30 Nov 2026 03:00:00 +0000\nMessage-ID: <corpus\@example.org>\n\nhello\n";
  my $mail = $sa->parse($msg);
  my $status = $sa->check($mail);
  my %hit = map { $_ => 1 } split /,/, ($status->get_names_of_tests_hit() // '');
  my @sub = grep { /^__RDNS_(DYNAMIC|INDICATOR)_/ } split /,/, ($status->get_names_of_subtests_hit() // '');
  my $static = grep { $_ eq '__RDNS_STATIC' } split /,/, ($status->get_names_of_subtests_hit() // '');
  my $relays = $status->get_tag('RELAYSEXTERNAL') // '';
  die "SpamAssassin did not see $name as the external relay: $relays\n" unless $relays =~ /rdns=\Q$name\E /i;
  if ($hit{RDNS_DYNAMIC}) {
    print 'dynamic (', join(' ', sort @sub), ")\n";
  } elsif (@sub && $static) {
    print 'static-exempt (', join(' ', sort @sub), ")\n";
  } else {
    print "clean\n";
  }
  $status->finish();
  $mail->finish();
}
