DOSSIER_SEARCH.t["on"] = {
"on":[16],
"one":[20]
};
