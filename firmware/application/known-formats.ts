/**
 * Compact-frame formats known before any full frame is heard (EN 13757-3:2018 Annex G).
 * Some meters (Kamstrup in particular) send mostly compact frames and never a format frame; a gateway that
 * just booted would otherwise wait for the rare full frame. Each entry is the list of record headers
 * (DIF/DIFE/VIF/VIFE) of a full frame observed from that meter family; the signature is its CRC, and
 * every compact frame is still validated with its full-frame CRC, so a wrong seed cannot produce data.
 * Sources: full frames in the shared telegram corpus, and the exmbus signature vector (the EN 13757-3 Annex G example (known-formats test)).
 */
import { deepFreeze } from "../util/freeze.js";

export const KNOWN_FORMATS: readonly string[] = deepFreeze([
  "02FF2004134413615B6167", // Kamstrup Multical 21 / flowIQ water (signature A8ED)
  // flowIQ version 3C (36D4): never sent in full in the corpus; the one list of headers this family sends
  // (corpus #216, #221) that matches both the signature and the full-frame CRC of the compact frame #223
  "02FF2004134413426C523B615B616751678101E7FF0F06FF1B",
  // Engelmann (EFE) water meter, 15 monthly volumes (052D): derived from the data of the encrypted compact frame
  // corpus #96 (date, volume at date, error flags, volumes storage 2..16, date-time, volume); its full-frame CRC confirms it
  "426C441301FD17840113C40113840213C40213840313C40313840413C40413840513C40513840613C40613840713C40713840813046D0413",
  "22691269026905FF0905FF0A02FD17", // Kamstrup pressure sensor (73DE)
  "040604FF0704FF080414043B0259025D04FF22026C44064414426C", // Kamstrup Multical 403 heat (B34D)
  "040F04FF0704FF08041484401484804014043B0259025D142D84100F84200F04FF22026C440F4414C44014C4804014426C", // Multical 603 (E7A2)
  "02F9FF15040604EEFF0704EEFF0804148440148480401402FD17026C426C44064414C44014C4804014043B0259025D", // Multical 403 (8400)
  "040404843C042B04AB3C", // Kamstrup Omnipower electricity (8C13)
]);
