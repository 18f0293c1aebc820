DOSSIER_SEARCH.t["ho"] = {
"hours":[0],
"house":[7,3,3,9,3,3,3]
};
