"""What the demo's consultant writes: findings as a consultant writes them — what was
seen, where, how many, what is expected — each its own, never one sentence repeated.

Per member and campaign: requirement key → (the member's own answer, the verdict, the
finding). The requirements not listed are answered compliant (or not applicable, with
the member's reason) and found conform. ``CLOSURES`` are the members' closure notes for
the actions they finished.
"""

from __future__ import annotations

Finding = tuple[str, str, str]  # (member's status, verdict, finding)

#: DEMO-C, Self-assessment 2026: submitted, not reviewed yet. Only the member's own
#: answers count (the pre-audit is the demo consultant's to do); the second and third
#: parts say what a consultant would likely find.
DEMO_C_2026: dict[str, Finding] = {
    "QMS-05": ("partial", "minor_nc", "Procédures sans date de révision."),
    "MGT-02": ("not_compliant", "major_nc", "Pas de programme d'audit interne."),
    "INF-08": ("partial", "minor_nc", "Plan de nettoyage non signé."),
    "PUR-05": ("partial", "major_nc", "Certificats matière manquants pour deux mousses."),
    "PMS-06": ("compliant", "minor_nc", "Registre des plaintes sans analyse des causes."),
    "TRC-05": ("partial", "major_nc", "Traçabilité aval incomplète pour les coussins."),
}

#: DEMO-B, Self-assessment 2026 (in French: the workshop works in French)
DEMO_B_2026: dict[str, Finding] = {
    "MGT-01": ("partial", "major_nc",
               "Pas de revue de direction depuis mars 2025. Le document présenté est un ordre "
               "du jour sans décisions ni actions ; une revue complète (données d'entrée de "
               "l'EN ISO 13485 § 5.6.2) est attendue chaque année."),
    "RISK-11": ("compliant", "major_nc",
                "Aucune évaluation biologique pour la mousse EVA et la colle néoprène au "
                "contact de la peau : les fiches de données de sécurité ne suffisent pas. "
                "Demander les rapports ISO 10993-5/-10 aux fournisseurs."),
    "PRD-05": ("compliant", "major_nc",
               "Sur 5 dossiers tirés au hasard (2026-014, -022, -031, -047, -052), 3 n'ont pas "
               "de déclaration Annexe XIII signée ; les 2 autres ne nomment pas le "
               "prescripteur."),
    "DIST-07": ("not_compliant", "major_nc",
                "Deux orthèses de série retournées pour un défaut de fermeture étaient en "
                "rayon lors de la visite, sans étiquette de blocage ni enregistrement. Aucune "
                "zone de quarantaine n'est définie."),
    "TRC-05": ("partial", "major_nc",
               "Le registre des ventes ne permet pas de retrouver les patients qui ont reçu "
               "le lot 23K-118 de bas de compression : la traçabilité aval est à "
               "reconstituer."),
    "BEL-06": ("partial", "major_nc",
               "Dans 4 dossiers sur 10, la prescription est arrivée par courriel sans "
               "signature ni numéro INAMI du médecin ; elle doit être complète avant la "
               "fabrication."),
    "ORG-07": ("compliant", "minor_nc",
               "Les objectifs qualité 2026 sont formulés (« satisfaire nos patients ») sans "
               "indicateur ni cible chiffrée : impossible d'en suivre l'atteinte."),
    "QMS-05": ("compliant", "minor_nc",
               "Deux versions de la procédure de prise de mesures (v2 et v3) circulent ; la "
               "v2, périmée, est affichée au poste de moulage."),
    "QMS-09": ("compliant", "minor_nc",
               "Le logiciel de scan 3D a été mis à jour en janvier (version 4.2) sans "
               "revalidation ; aucune trace d'essai."),
    "MGT-03": ("partial", "minor_nc",
               "Les constats de l'audit interne de novembre 2025 sont listés, mais 3 sur 5 "
               "n'ont ni responsable ni échéance."),
    "HR-05": ("compliant", "minor_nc",
              "Pas d'attestation pour la formation « silicones médicaux » de David Lambert, "
              "pourtant indiquée comme suivie dans le plan de formation 2025."),
    "INF-04": ("compliant", "minor_nc",
               "Le pied à coulisse et le goniomètre ne portent pas d'étiquette de "
               "vérification ; le dernier certificat d'étalonnage de la balance date de 2023."),
    "INF-10": ("compliant", "minor_nc",
               "Température et humidité ne sont pas relevées pendant les stratifications, "
               "alors que la fiche technique de la résine impose 18 à 25 °C."),
    "PUR-01": ("compliant", "minor_nc",
               "La liste des fournisseurs agréés date de 2023 ; deux fournisseurs actuels n'y "
               "figurent pas et n'ont pas été évalués."),
    "PUR-08": ("partial", "minor_nc",
               "Trois pots de résine périmés (09/2026) rangés avec le stock en cours, sans "
               "marquage."),
    "DES-09": ("partial", "minor_nc",
               "Les retouches du moulage après essayage ne sont pas consignées : le dossier "
               "ne dit pas ce qui a été livré par rapport à la prise de mesures."),
    "TRC-09": ("not_compliant", "minor_nc",
               "Les dossiers patients papier sont dans une armoire non verrouillée à "
               "l'accueil ; pas de registre des traitements au sens du RGPD."),
    "PMS-05": ("compliant", "minor_nc",
               "Aucune collecte structurée des retours des patients et des prescripteurs ; "
               "les remarques reçues par téléphone ne sont pas notées."),
    "PMS-11": ("partial", "minor_nc",
               "La procédure de rappel existe mais n'a jamais été testée ; la liste des "
               "prescripteurs à prévenir n'est pas à jour."),
    "BEL-09": ("compliant", "minor_nc",
               "Personne n'est désigné pour recevoir une inspection de l'AFMPS en l'absence "
               "de la gérante, et le dossier d'inspection n'est pas préparé."),
    "ORG-05": ("compliant", "observation",
               "La lettre de désignation du PRRC décrit ses missions mais pas sa protection "
               "(art. 15, § 3, MDR). À compléter à la prochaine révision."),
    "QMS-06": ("compliant", "observation",
               "Enregistrements tenus. Numéroter les formulaires permettrait de retrouver "
               "plus vite la dernière version."),
    "RISK-04": ("partial", "observation",
                "Le dossier de risque cite l'ISO 22675 sans dire quels pieds prothétiques "
                "sont concernés ; à préciser par famille."),
    "DES-06": ("compliant", "observation",
               "La vérification à la livraison est faite, mais notée très différemment d'un "
               "technicien à l'autre ; une check-list commune aiderait."),
    "PUR-09": ("compliant", "observation",
               "Les avis de sécurité des fournisseurs n'arrivent que dans la boîte de la "
               "gérante ; prévoir un classement partagé."),
    "PRD-12": ("compliant", "observation",
               "Les retours sont nettoyés, mais ni le produit ni le temps de contact ne sont "
               "notés."),
    "INF-01": ("partial", "observation",
               "La zone de ponçage jouxte la cabine d'essayage ; le rideau ne suffit pas "
               "contre la poussière. À surveiller."),
}

#: DEMO-B, Self-assessment 2025 (one finding came back in 2026: MGT-01)
DEMO_B_2025: dict[str, Finding] = {
    "MGT-01": ("not_compliant", "major_nc", "Aucune revue de direction tenue en 2024."),
    "HR-09": ("partial", "major_nc",
              "Les deux techniciens engagés en 2024 n'ont reçu aucune formation à l'hygiène "
              "avant de travailler en cabine."),
    "PMS-06": ("partial", "minor_nc",
               "Les réclamations sont notées dans un cahier, sans analyse ni clôture ; six "
               "réclamations de 2024 sont restées sans suite."),
    "INF-08": ("compliant", "minor_nc",
               "La procédure de désinfection est affichée, mais le registre de nettoyage des "
               "cabines n'est plus tenu depuis août."),
    "BEL-04": ("compliant", "minor_nc",
               "L'attestation d'assurance RC produits présentée avait expiré le 31/12 ; la "
               "nouvelle n'était pas encore reçue."),
    "DIST-01": ("compliant", "observation",
                "Enregistrement comme distributeur fait ; garder l'accusé de réception de "
                "l'AFMPS dans le classeur réglementaire."),
}

#: DEMO-A, Self-assessment 2025 (in Dutch: the workshop works in Dutch)
DEMO_A_2025: dict[str, Finding] = {
    "MGT-02": ("partial", "major_nc",
               "Geen intern auditprogramma voor 2025; de laatste interne audit dateert van "
               "2023."),
    "DES-01": ("compliant", "major_nc",
               "In 3 van de 8 steekproefdossiers (2025-031, -044, -057) ontbreekt het "
               "voorschrift; het werd telefonisch doorgegeven."),
    "INF-04": ("compliant", "minor_nc",
               "Schuifmaat en weegschaal hebben geen geldig kalibratieattest; het laatste is "
               "van maart 2023."),
    "PUR-05": ("compliant", "minor_nc",
               "Geen materiaalcertificaat voor de EVA-platen van de nieuwe leverancier "
               "(sinds februari)."),
    "TRC-02": ("partial", "minor_nc",
               "De lotnummers van de gebruikte harsen staan niet in het patiëntendossier."),
    "PMS-06": ("not_compliant", "minor_nc",
               "Klachten worden per e-mail behandeld zonder register; de opvolging van twee "
               "klachten over drukplekken is niet terug te vinden."),
    "HR-10": ("compliant", "observation",
              "Bijscholing wordt gevolgd maar niet centraal bijgehouden; een jaaroverzicht "
              "per medewerker zou helpen."),
    "BEL-05": ("compliant", "observation",
               "De gebruiksaanwijzing voor zolen bestaat alleen in het Nederlands; voor "
               "Franstalige patiënten uit Brussel is een Franse versie aangewezen."),
}

#: the consultant's reason for confirming "does not apply", in each workshop's language
NOT_APPLICABLE_REASONS = {
    "fr": ("Confirmé lors de la visite : aucune activité de ce type.",
           "Vérifié dans le registre de production : l'atelier ne fabrique pas ce type de "
           "dispositif.",
           "Justification du membre acceptée.",
           "Activité sous-traitée, couverte par le contrat avec le sous-traitant."),
    "nl": ("Bevestigd tijdens het bezoek: geen activiteit van dit type.",
           "Nagekeken in het productieregister: het atelier maakt dit hulpmiddel niet.",
           "Verantwoording van het lid aanvaard."),
}

#: the members' closure notes for the actions they finished: (member, key) → note
CLOSURES = {
    ("DEMO-B", "HR-09"): "Formation hygiène donnée le 12/03 par le SIPP ; attestations au "
                         "dossier.",
    ("DEMO-B", "INF-08"): "Registre de nettoyage repris chaque jour, contrôlé par la gérante "
                          "le vendredi.",
    ("DEMO-B", "BEL-04"): "Nouvelle attestation d'assurance reçue et classée.",
    ("DEMO-B", "ORG-07"): "Trois objectifs chiffrés fixés pour 2026, suivis chaque trimestre.",
    ("DEMO-B", "QMS-05"): "Version 2 retirée de l'atelier ; seule la v3 reste affichée.",
    ("DEMO-A", "DES-01"): "Geen productie meer zonder schriftelijk voorschrift; controle bij "
                          "de intake.",
    ("DEMO-A", "INF-04"): "Schuifmaat en weegschaal gekalibreerd; attesten in de map.",
    ("DEMO-A", "TRC-02"): "Het lotnummer staat nu op de werkbon en wordt in het dossier "
                          "overgenomen.",
}
