// Package datagen makes realistic, repeatable organizations for loading
// stores, benchmarking them and filling demos.
//
// A [Generator] is a pure function of its seed and provider: organization i
// is the same on every run, on every machine, and independently of which
// other organizations were made, so loaders can generate in parallel, resume
// half way and fill the memory, PostgreSQL and Redis stores with exactly the
// same data. Ids are UUID v7 with timestamps that rise with i, drawn from a
// seeded generator, and creation times follow a fixed clock.
//
// The data is meant to exercise search the way real providers do:
//
//   - names in many scripts and languages: English, French, Spanish, Polish
//     and Turkish (Latin with diacritics), German (with ß), Russian
//     (Cyrillic), Greek (with final sigma), Chinese, Japanese, Korean,
//     Arabic, and full-width Latin as typed on East Asian keyboards;
//   - three purchased numbers per organization from 17 numbering plans in
//     15 countries, each valid by libphonenumber and unique across the whole
//     data set;
//   - customer references and external contracts, each unique, on most
//     organizations;
//   - buyer tags from a small vocabulary ([Tags]);
//   - both ownership types: Customer-managed organizations with an owner,
//     billing and a few more members, and Service-Provider-managed ones,
//     some with billing and members.
//
// [Generator.Queries] draws search box input from the generated data for
// each kind of search, so that benchmarks measure the queries people type
// rather than queries that happen to be cheap.
//
// The package imports only org and its value packages: it knows no store.
package datagen
