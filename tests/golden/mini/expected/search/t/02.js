DOSSIER_SEARCH.t["02"] = {
"02":[16]
};
