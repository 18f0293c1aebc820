DOSSIER_SEARCH.t["be"] = {
"because":[4,12],
"better":[16]
};
