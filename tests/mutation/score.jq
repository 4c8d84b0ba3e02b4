# Per-folder mutation score from a Stryker JSON report (mutation-testing-elements schema):
# detected = Killed + Timeout, undetected = Survived + NoCoverage; compile errors and ignored mutants do not count.
[ .files | to_entries[]
  | { folder: (.key | capture("PolyChat\\.Protocol/(?<f>[^/]+)/").f), mutants: .value.mutants } ]
| group_by(.folder)[]
| { folder: .[0].folder, statuses: [ .[].mutants[].status ] }
| { folder,
    killed: ([ .statuses[] | select(. == "Killed" or . == "Timeout") ] | length),
    survived: ([ .statuses[] | select(. == "Survived") ] | length),
    nocoverage: ([ .statuses[] | select(. == "NoCoverage") ] | length) }
| select(.killed + .survived + .nocoverage > 0)
| "\(.folder): \(if .killed + .survived + .nocoverage == 0 then 0 else (10000 * .killed / (.killed + .survived + .nocoverage) | round / 100) end)% (killed \(.killed), survived \(.survived), no coverage \(.nocoverage))"
