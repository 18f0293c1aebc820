DOSSIER_SEARCH.t["th"] = {
"than":[16],
"the":[0,16,4],
"those":[12]
};
