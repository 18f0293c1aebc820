DOSSIER_SEARCH.t["pr"] = {
"pre":[13,3,3,3,3,3],
"production":[12,2,2],
"prompt":[4],
"prototype":[2]
};
