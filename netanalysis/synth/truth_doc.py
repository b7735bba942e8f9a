"""The README written into ``OUT/truth/`` of every synthetic case."""

__all__ = ["TRUTH_README"]

TRUTH_README = """\
# Ground truth of a synthetic case

Written by `netanalysis synth` (`netanalysis.synth.synth_case`). Everything in this case is
fictional: names are random combinations, numbers follow real formats but belong to nobody.
This folder is not part of the case format; readers of the case ignore it. It records what
was planted, so that entity resolution, link inference and the rankings can be measured.

| file | one row per | columns |
|---|---|---|
| duplicates.csv | second-source record of a primary person | `id_a` (primary id), `id_b` (second-source `ES-` id), `kind` (`planted_duplicate`), `name_a`, `name_b`, `variant` (how the name was rewritten: accents_dropped, surnames_reordered, second_surname_dropped, initials, upper_case, transliteration, surname_first), `birth_date` (same, year_month, year or unknown in the second record), `shared_passport`, `shared_phone` (the second record holds the same passport number / phone number) |
| near_misses.csv | pair of DIFFERENT people that must not be merged | `id_a`, `id_b`, `kind` (same_common_name, fugitive_namesake, same_name_second_source), `name` (the full name both carry), `birth_a`, `birth_b` (different) |
| co_travel.csv | fugitive and someone who travelled with them | `id_a` (fugitive), `id_b`, `kind` (`hidden_companion`: no stated link, no calls; `family_companion`: a relative with a stated family link), `shared_legs` (journeys with a flight or voyage number taken together on the same day; shared land crossings, which have no number, are not counted), `shared_bookings` (trips on the same booking_ref), `stated_link` |
| itineraries.csv | leg of a fugitive drawn by the itinerary rule | `person_id`, `depart` (day), `origin`, `destination`, `chance` (of that destination under the generator's rule, which knows the hidden settings, homes and the network's pull, given what the data show of the draw: a move that followed a supporter, whose new residence is in locations.csv weeks before, has chance 1; the other moves share what the rest of the rule gives), `top3_chance` (sum of the three largest such chances: the top-3 accuracy to expect of a model that knew the rule, a ceiling for movement anticipation), `places` (places with a chance). A fugitive whose rule gave no leg gets one fixed flight, not listed |
| facilitators.csv | planted facilitator | `id`, `role` (as written in persons.csv: about a quarter are not labelled facilitator), `cell`, `fugitives_direct` (support links to the fugitive), `fugitives_indirect` (support through a relative or associate of the fugitive), `n_fugitives`, `multi_fugitive` (serves two or more), `broker` (also works with another cell), `services`, `degree` (distinct stated ties) |
| groups.csv | member of a planted logistics cell | `cell`, `id`, `member` (facilitator or fugitive served), `note` (brokers appear in a second cell with `broker_from_cell_N`) |
| hubs.csv | most connected background person | `id`, `degree`, `supports_fugitive` (always False: popular people who support nobody; rankings should put multi-fugitive facilitators above them) |
| fraudulent_documents.csv | fraudulent document | `document_id`, `holder_id` (fugitive), `supplier_id` (facilitator with a `documents` link to the holder), `kind`, `issuing_country` |
| planted_errors.csv | row corrupted on purpose (`--dirty RATE`; empty otherwise) | `file`, `line` (header = 1), `column`, `value`, `problem`. Each must come back as a reject; rows that name a rejected person or document may be rejected as a consequence |
| summary.json | | the counts returned by `synth_case` |

Conventions: all times are UTC; a journey is a carrier + flight (or voyage) number on one day;
land crossings have no journey number. Second-source rows (`ES-` ids) have
`provenance = Guardia Civil`.
"""
